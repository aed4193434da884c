import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { cacheRoot, freePort, requireCommand } from './host';

/** The Apache Kafka release the project runs; kafkajs 2.2.4 is known to work with 3.x brokers. */
export const KAFKA_VERSION = process.env.THROUGHLINE_KAFKA_VERSION ?? '3.9.1';
const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

export interface KafkaBrokerOptions {
  /** Client listener port; a free one is chosen when omitted. */
  port?: number;
  /** KRaft controller port; keep it across restarts of the same data directory. */
  controllerPort?: number;
  /** Data directory. Reusing one keeps topics across restarts (used by fault tests). */
  dataDir?: string;
  /** Prints broker log lines (they are kept in memory for error reports either way). */
  log?: (line: string) => void;
  /** Keeps Ctrl-C in a terminal from reaching the broker, so its owner can stop it in order. */
  ownProcessGroup?: boolean;
  /**
   * Adds a SASL_SSL listener beside the plaintext one, as managed Kafka offers: TLS with a CA
   * and certificates made for this broker, client certificates required, and these users
   * accepted with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512. OAUTHBEARER is accepted too, with
   * Kafka's development validator: unsigned JWTs (`alg: none`) whose `sub` is the principal.
   */
  saslSsl?: { users: Array<{ username: string; password: string }> };
}

/** Where a client reaches the SASL_SSL listener, and the PEM files it needs to. */
export interface SaslSslListener {
  readonly brokers: string;
  /** The CA that signed the broker's and the client's certificates. */
  readonly caFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

export interface KafkaBroker {
  readonly brokers: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly pid: number;
  /** Present when started with `saslSsl`. */
  readonly saslSsl?: SaslSslListener;
  stop(): Promise<void>;
  /** SIGKILL, for fault injection. */
  kill(): Promise<void>;
}

/**
 * Fetches the official broker jars from Maven Central with Maven, once, into the user's
 * cache (never the repository). Returns the folder holding the classpath.
 */
export function ensureKafkaJars(version = KAFKA_VERSION): string {
  const home = join(cacheRoot(), `kafka-${version}`);
  const libs = join(home, 'libs');
  const marker = join(home, '.complete');
  // kafka_2.13 brings no logging backend (reload4j is what the 3.9 distribution ships);
  // kafka-tools adds the command-line tools (ConsoleConsumer) for people reading topics by hand.
  const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local.throughline</groupId><artifactId>kafka-broker</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies>
</project>
`;
  // The marker holds the pom it was fetched with: a changed dependency list fetches again.
  if (existsSync(marker) && readFileSync(marker, 'utf8') === pom) {
    writeLogConfigs(home);
    return libs;
  }
  requireCommand(
    'java',
    ['-version'],
    'Java 17 or newer is needed to run the Kafka broker. Install a JDK (e.g. `apt-get install openjdk-17-jre-headless`) or set KAFKA_BROKERS to an existing broker.',
  );
  requireCommand(
    'mvn',
    ['-v'],
    'Maven is needed once to fetch the Kafka broker from Maven Central. Install it (e.g. `apt-get install maven`) or set KAFKA_BROKERS to an existing broker.',
  );
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'pom.xml'), pom);
  const result = spawnSync(
    'mvn',
    ['-B', '-q', `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`, `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'],
    { cwd: home, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`Fetching Kafka ${version} from Maven Central failed:\n${result.stdout}${result.stderr}`);
  }
  writeLogConfigs(home);
  writeFileSync(marker, pom);
  return libs;
}

/** The broker logs INFO to stdout; the command-line tools (console consumer) only warnings, to stderr. */
function writeLogConfigs(home: string): void {
  const appender = (target: string) => [
    'log4j.appender.out=org.apache.log4j.ConsoleAppender',
    `log4j.appender.out.Target=${target}`,
    'log4j.appender.out.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n',
  ];
  writeFileSync(
    join(home, 'log4j.properties'),
    [
      'log4j.rootLogger=INFO, out',
      ...appender('System.out'),
      'log4j.logger.kafka.request.logger=WARN',
      'log4j.logger.state.change.logger=WARN',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(home, 'tools-log4j.properties'),
    ['log4j.rootLogger=WARN, out', ...appender('System.err'), ''].join('\n'),
  );
}

/** 16 random bytes in base64url, as KRaft wants; never starting with '-', which the storage tool would read as an option. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

interface SecuredListener {
  port: number;
  keystoreFile: string;
  caFile: string;
  users: Array<{ username: string; password: string }>;
}

function serverProperties(port: number, controllerPort: number, logDir: string, secured?: SecuredListener): string {
  const listeners = [`PLAINTEXT://127.0.0.1:${port}`, ...(secured ? [`SASL_SSL://127.0.0.1:${secured.port}`] : [])];
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  const plainUsers = secured?.users.map(({ username, password }) => `user_${username}="${password}"`).join(' ');
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=${[...listeners, `CONTROLLER://127.0.0.1:${controllerPort}`].join(',')}`,
    `advertised.listeners=${listeners.join(',')}`,
    'controller.listener.names=CONTROLLER',
    // Broker and controller talk plaintext among themselves; only clients use SASL_SSL.
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${secured ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(secured
      ? [
          'listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
          // SCRAM users live in the cluster metadata (added when the storage is formatted); PLAIN's here.
          `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
          `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=${scram}`,
          `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scram}`,
          // No validator configured: Kafka's unsecured one, for development only (production brokers verify signed tokens).
          'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";',
          'listener.name.sasl_ssl.ssl.keystore.type=PEM',
          `listener.name.sasl_ssl.ssl.keystore.location=${secured.keystoreFile}`,
          'listener.name.sasl_ssl.ssl.truststore.type=PEM',
          `listener.name.sasl_ssl.ssl.truststore.location=${secured.caFile}`,
          'listener.name.sasl_ssl.ssl.client.auth=required',
        ]
      : []),
    `log.dirs=${logDir}`,
    'num.partitions=1',
    // One broker cannot hold the default replication factor of 3.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    // The 3 s default delays every first consumer join.
    'group.initial.rebalance.delay.ms=0',
    // kafkajs trips over auto-created topics under KRaft; topics are created explicitly.
    'auto.create.topics.enable=false',
    'log.cleaner.dedupe.buffer.size=16777216',
    'num.network.threads=2',
    'num.io.threads=2',
    '',
  ].join('\n');
}

/** Starts a single-node KRaft broker on 127.0.0.1 and resolves once it accepts clients. */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const libs = ensureKafkaJars();
  const home = join(libs, '..');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'throughline-kafka-'));
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const controllerPort = options.controllerPort ?? (await freePort());
  const logDir = join(dataDir, 'data');
  const config = join(dataDir, 'server.properties');
  const secured = options.saslSsl
    ? { port: await freePort(), users: options.saslSsl.users, ...makeCertificates(join(dataDir, 'tls')) }
    : undefined;
  writeFileSync(config, serverProperties(port, controllerPort, logDir, secured));
  const classpath = `${libs}/*`;
  const logOpts = `-Dlog4j.configuration=file:${join(home, 'log4j.properties')}`;

  if (!existsSync(join(logDir, 'meta.properties'))) {
    const clusterId = newClusterId();
    const scramUsers = (secured?.users ?? []).flatMap(({ username, password }) =>
      ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => [
        '--add-scram',
        `${mechanism}=[name=${username},password=${password}]`,
      ]),
    );
    const format = spawnSync(
      'java',
      ['-cp', classpath, logOpts, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config, ...scramUsers],
      { encoding: 'utf8' },
    );
    if (format.status !== 0) throw new Error(`Formatting Kafka storage failed:\n${format.stdout}${format.stderr}`);
  }

  const jvmOpts = (
    process.env.KAFKA_JVM_OPTS ??
    '-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1 -Djava.awt.headless=true'
  )
    .split(/\s+/)
    .filter(Boolean);
  const child = spawn('java', [...jvmOpts, logOpts, '-cp', classpath, 'kafka.Kafka', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  const recent: string[] = [];
  const started = new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(
      () => reject(new Error(`Kafka did not start within 60 s. Last log lines:\n${recent.join('\n')}`)),
      60_000,
    );
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        recent.push(line);
        if (recent.length > 40) recent.shift();
        options.log?.(line);
        if (line.includes('Kafka Server started')) {
          clearTimeout(timeout);
          resolve();
        }
      }
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', onLine);
    child.once('exit', (code) => {
      clearTimeout(timeout);
      reject(new Error(`Kafka exited with code ${code} while starting. Last log lines:\n${recent.join('\n')}`));
    });
  });
  await started;
  return brokerHandle(
    child,
    port,
    controllerPort,
    dataDir,
    secured && {
      brokers: `127.0.0.1:${secured.port}`,
      caFile: secured.caFile,
      clientCertFile: secured.clientCertFile,
      clientKeyFile: secured.clientKeyFile,
    },
  );
}

/**
 * A throw-away CA, a broker certificate for 127.0.0.1 (key and chain in one PEM file, which
 * Kafka reads as a PEM keystore) and a client certificate, made with openssl at start-up.
 */
function makeCertificates(dir: string): Omit<SecuredListener, 'port' | 'users'> & Omit<SaslSslListener, 'brokers'> {
  requireCommand('openssl', ['version'], 'openssl is needed to make the certificates of the SASL_SSL listener.');
  mkdirSync(dir, { recursive: true });
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args[0]} failed:\n${result.stderr}`);
  };
  const key = (name: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path(name));
  key('ca.key');
  openssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=throughline-test-ca', '-days', '2', '-out', 'ca.pem');
  const signed = (name: string, subject: string, extensions: string) => {
    key(`${name}.key`);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    writeFileSync(path(`${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  signed('broker', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  signed('client', '/CN=throughline-test-client', 'extendedKeyUsage=clientAuth\n');
  writeFileSync(
    path('broker-keystore.pem'),
    readFileSync(path('broker.key'), 'utf8') + readFileSync(path('broker.pem'), 'utf8'),
  );
  return {
    keystoreFile: path('broker-keystore.pem'),
    caFile: path('ca.pem'),
    clientCertFile: path('client.pem'),
    clientKeyFile: path('client.key'),
  };
}

function brokerHandle(
  child: ChildProcess,
  port: number,
  controllerPort: number,
  dataDir: string,
  saslSsl?: SaslSslListener,
): KafkaBroker {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A broker dies with the process that started it, also when that process's clean-up never reached stop() (a test that timed out).
  const killWithOwner = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killWithOwner);
  child.once('exit', () => process.off('exit', killWithOwner));
  const terminate = async (signal: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    brokers: `127.0.0.1:${port}`,
    port,
    controllerPort,
    dataDir,
    pid: child.pid!,
    saslSsl,
    stop: () => terminate('SIGTERM', 20_000),
    kill: () => terminate('SIGKILL', 0),
  };
}
