import express from 'express';
import { HTTP } from 'cloudevents';

/*
 * The yardstick of the cold-start bench (bench/cold-start.ts): the least a CloudEvents function
 * on express can be, started the same way as a function (`node <file>` with PORT set), with the
 * same health path. A function's start-up is measured as a ratio to this one's.
 */
const app = express();
app.disable('x-powered-by');
app.get('/health/readiness', (_request, response) => {
  response.json({ status: 'ok' });
});
app.post('/', express.raw({ type: () => true }), (request, response) => {
  HTTP.toEvent({ headers: request.headers, body: request.body });
  response.status(202).end();
});
app.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1');
