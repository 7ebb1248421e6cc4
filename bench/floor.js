'use strict';
// The floor: the ceiling's work (bench/ceiling.js, the very same handlers) served through
// NestJS on Fastify, the framework our server is built on, with nothing of ours: no hooks, no
// guards, no logging, no metrics, no security headers. Each route is a Nest controller method
// that hands the raw request and response to the ceiling's handler, as a handler with @Res()
// may. What our server costs above the floor is our own; what the floor costs above the
// ceiling is the framework's, and no server built on it gets below that.
//
// Env: as bench/ceiling.js.
require('reflect-metadata');
const { Controller, Get, Module, Post, Req, Res } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const ceiling = require('./ceiling');

const ROUTES = [
  ['me', Get, 'api/me'],
  ['token', Post, 'token'],
  ['introspect', Post, 'introspect'],
  ['authorize', Get, 'authorize'],
  ['login', Post, 'login'],
  ['metadata', Get, '.well-known/oauth-authorization-server'],
  ['jwks', Get, 'jwks'],
];

class FloorController {}
for (const [name, method, path] of ROUTES) {
  // The answer is written on the raw response; Fastify is told it is not to send one.
  FloorController.prototype[name] = function handle(req, res) {
    res.hijack();
    return ceiling.route(req.raw, res.raw);
  };
  const descriptor = Object.getOwnPropertyDescriptor(FloorController.prototype, name);
  Reflect.decorate([method(path)], FloorController.prototype, name, descriptor);
  Req()(FloorController.prototype, name, 0);
  Res()(FloorController.prototype, name, 1);
}
Reflect.decorate([Controller()], FloorController);

class FloorModule {}
Reflect.decorate([Module({ controllers: [FloorController] })], FloorModule);

(async () => {
  await ceiling.prepare();
  const adapter = new FastifyAdapter({ keepAliveTimeout: 65_000 });
  const app = await NestFactory.create(FloorModule, adapter, { logger: false, bodyParser: false });
  // Forms are left unread for the ceiling's handler, which reads them itself.
  adapter.getInstance().addContentTypeParser('application/x-www-form-urlencoded', (_request, _payload, done) => done(null, undefined));
  await app.listen(ceiling.port, '127.0.0.1');
})();
