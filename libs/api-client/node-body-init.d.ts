// The generated client names the DOM's BodyInit, which browsers declare; under Node's types (the
// repository's type check, which has no DOM lib) it is undici's, the body type of Node's fetch.
type BodyInit = import('undici-types').BodyInit;
