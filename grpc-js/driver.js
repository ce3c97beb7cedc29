'use strict';
// The meshroute suite's driver for grpc-js's xDS client (@grpc/grpc-js-xds), the data plane under test.
//
// The suite (GrpcJsClient.java) starts `node driver.js` with GRPC_XDS_BOOTSTRAP_CONFIG pointing grpc-js at the
// reference control plane, then sends one JSON object per line on stdin and reads one JSON reply per line on
// stdout (each request may carry an "id", which its reply repeats; replies to calls may come out of order):
//   {"op": "hello"}                                         -> {"ok": true, "grpcJs": "1.14.7", "grpcJsXds": "1.14.1"}
//   {"op": "call", "dial": "my-app:80", "method": "svc/M",
//    "metadata": [["k", "v"], ...], "deadlineMs": 10000, "count": 1}
//                                                           -> {"ok": true, "results": [{"code": "OK",
//                                                               "details": null, "message": "<base64>"}, ...]}
//   {"op": "reset"}                                         -> {"ok": true}   (every channel closed)
// A request the driver cannot serve gets {"ok": false, "error": "..."}. Routing, weighted cluster choice and
// endpoint picking are grpc-js's own; the driver only makes the calls. Nothing else is written to stdout.

const readline = require('readline');
const grpc = require('@grpc/grpc-js');
const xds = require('@grpc/grpc-js-xds');

xds.register();

// Many at once: on a channel that waits for name resolution every call waits its whole deadline, in parallel.
const IN_FLIGHT = 1000;
const CODE_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([name, code]) => [code, name]));
const identity = (buffer) => buffer;

let clients = new Map();

function client(dial) {
  let c = clients.get(dial);
  if (!c) {
    c = new grpc.Client('xds:///' + dial, grpc.credentials.createInsecure());
    clients.set(dial, c);
  }
  return c;
}

function callOnce(request) {
  return new Promise((resolve) => {
    const metadata = new grpc.Metadata();
    for (const [key, value] of request.metadata || []) {
      metadata.add(key, value);
    }
    client(request.dial).makeUnaryRequest('/' + request.method, identity, identity, Buffer.alloc(0), metadata,
      {deadline: Date.now() + request.deadlineMs}, (error, reply) => {
        if (error) {
          resolve({code: CODE_NAMES[error.code] || String(error.code), details: error.details ?? null,
            message: null});
        } else {
          resolve({code: 'OK', details: null, message: Buffer.from(reply).toString('base64')});
        }
      });
  });
}

async function callMany(request) {
  const count = request.count || 1;
  const results = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      results[i] = await callOnce(request);
    }
  }
  await Promise.all(Array.from({length: Math.min(IN_FLIGHT, count)}, worker));
  return results;
}

async function handle(request) {
  switch (request.op) {
    case 'hello':
      return {ok: true, grpcJs: require('@grpc/grpc-js/package.json').version,
        grpcJsXds: require('@grpc/grpc-js-xds/package.json').version};
    case 'call':
      return {ok: true, results: await callMany(request)};
    case 'reset':
      for (const c of clients.values()) {
        c.close();
      }
      clients = new Map();
      return {ok: true};
    default:
      return {ok: false, error: 'unknown op ' + JSON.stringify(request.op)};
  }
}

// Every request line may carry an "id", echoed in its reply. Calls run concurrently (a call that waits for a
// resource must not hold up the others); "reset" and "hello" wait for the calls before them to finish.
let pending = new Set();
function send(id, reply) {
  if (id !== undefined) {
    reply.id = id;
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
readline.createInterface({input: process.stdin}).on('line', (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    send(undefined, {ok: false, error: 'not JSON: ' + line});
    return;
  }
  const run = async () => {
    try {
      return await handle(request);
    } catch (e) {
      return {ok: false, error: String(e && e.stack || e)};
    }
  };
  let done;
  if (request.op === 'call') {
    done = run();
  } else {
    const before = Array.from(pending);
    done = Promise.allSettled(before).then(run);
  }
  pending.add(done);
  done.then((reply) => {
    pending.delete(done);
    send(request.id, reply);
  });
}).on('close', () => {
  Promise.allSettled(Array.from(pending)).then(() => process.exit(0));
});
