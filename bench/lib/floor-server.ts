import { spawn } from 'node:child_process';
import { ROOT, running, type RunningProcess } from './stack';

/**
 * The floor of a refusal on this machine: a Fastify server, started as the API is (its own
 * process, the same Node flags), that answers every request with a 503 and Retry-After from an
 * onRequest hook and does nothing else. Driven by the same generator at the same rate, it shows
 * what a refusal costs when the server does no work at all.
 */
const FLOOR = `
const fastify = require('fastify')({ logger: false });
fastify.addHook('onRequest', (request, reply) => {
  reply.code(503).header('retry-after', '1').send({ error: { code: 'OVERLOADED', message: 'floor', correlationId: String(request.id) } });
});
fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.send && process.send('ready'));
`;

export async function startFloorServer(port: number): Promise<RunningProcess> {
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '-e', FLOOR], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
  });
  return running(child);
}
