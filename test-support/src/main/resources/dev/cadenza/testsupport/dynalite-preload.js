// Loaded ahead of dynalite (`node --require <this file> cli.js ...`) by the tests (Dynalite in
// test-support, which reads it as a resource), hack/local-stack.sh and bench/lib/common.sh.
//
// dynalite 4 throws from a request's error handler (index.js: `req.on('error', function (err) {
// throw err })`), so a client that drops a request halfway kills the whole server, and with it
// every table it holds in memory. The stream service drops one whenever a DynamoDB call outlasts
// cadenza.dynamodb.timeout (the SDK closes the connection, maybe in the middle of a 256 KiB chunk):
// on a busy machine bench/soak.sh lost dynalite that way within minutes. A server does not die of
// one client: this logs the dropped request and goes on, and still exits on anything else.
process.on('uncaughtException', function (err) {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
    console.error('dynalite: a client dropped a request halfway (' + err.message + '); going on');
    return;
  }
  console.error(err && err.stack ? err.stack : err);
  process.exit(70);
});
