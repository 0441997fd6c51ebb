import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { Env } from '../config/env';
import { repoRoot } from '../database/repo-root';

/** Paths that never fall back to the console's index.html. */
const NOT_CONSOLE = /^\/(api|health|socket\.io|open311|status)(\/|$)/;

export interface ConsoleRuntimeConfig {
  tileUrl: string;
  tileAttribution: string;
}

export function consoleRuntimeConfig(env: Env): ConsoleRuntimeConfig {
  return { tileUrl: env.CONSOLE_TILE_URL === 'none' ? '' : env.CONSOLE_TILE_URL, tileAttribution: env.CONSOLE_TILE_ATTRIBUTION };
}

/**
 * Serves the built console (apps/console/dist) at `/`, its runtime configuration at
 * `/console-config.json`, and index.html for the console's own routes (SPA fallback).
 * Without a build it only logs how to make one: the API works on its own.
 */
export async function registerConsoleStatic(app: NestFastifyApplication, env: Env): Promise<boolean> {
  const root = env.CONSOLE_DIST_DIR ?? join(repoRoot(), 'apps', 'console', 'dist');
  const fastify = app.getHttpAdapter().getInstance();
  const config = consoleRuntimeConfig(env);
  fastify.get('/console-config.json', async (_req, reply) => reply.header('cache-control', 'no-cache').send(config));
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Console').log(`console not built (${root} missing): run "npx nx build console" to serve it at /`);
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    // File names under assets/ carry a content hash.
    maxAge: '365d',
    immutable: true,
  });
  const sendIndex = (reply: FastifyReply): FastifyReply =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  fastify.get('/', (_req, reply) => sendIndex(reply));
  fastify.get('/*', (req, reply) => (NOT_CONSOLE.test(req.url) ? reply.callNotFound() : sendIndex(reply)));
  return true;
}
