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
}

export interface KafkaBroker {
  readonly brokers: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly pid: number;
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

function serverProperties(port: number, controllerPort: number, logDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
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
  writeFileSync(config, serverProperties(port, controllerPort, logDir));
  const classpath = `${libs}/*`;
  const logOpts = `-Dlog4j.configuration=file:${join(home, 'log4j.properties')}`;

  if (!existsSync(join(logDir, 'meta.properties'))) {
    const clusterId = newClusterId();
    const format = spawnSync(
      'java',
      ['-cp', classpath, logOpts, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config],
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
  return brokerHandle(child, port, controllerPort, dataDir);
}

function brokerHandle(child: ChildProcess, port: number, controllerPort: number, dataDir: string): KafkaBroker {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
    stop: () => terminate('SIGTERM', 20_000),
    kill: () => terminate('SIGKILL', 0),
  };
}
