import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { InvalidWorkerEnvironmentError, validateWorkerEnv, type WorkerEnv } from './config/worker-env';
import { WorkerModule } from './worker.module';

/** Builds the worker: its queues' consumers, the outbox relay, the auditor and a small HTTP server (health, metrics). */
export async function createWorker(env: WorkerEnv): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(WorkerModule.forRoot(env), new FastifyAdapter(), {
    logger: env.LOG_LEVEL === 'silent' ? false : ['error', 'warn', 'log'],
  });
  app.enableShutdownHooks();
  return app;
}

/** Validates the environment, builds the worker and serves health and metrics; exits 78 on bad configuration. */
async function main(): Promise<void> {
  let env: WorkerEnv;
  try {
    env = validateWorkerEnv(process.env);
  } catch (err) {
    if (err instanceof InvalidWorkerEnvironmentError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const app = await createWorker(env);
  await app.listen({ port: env.WORKER_PORT, host: env.HOST });
  console.log(`CGI escalation worker up (health and metrics on http://localhost:${env.WORKER_PORT})`);
}

/** The process entry (dist/main.js calls it): exits 1 on a start-up failure. */
export function start(): Promise<void> {
  return main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

if (require.main === module) void start();
