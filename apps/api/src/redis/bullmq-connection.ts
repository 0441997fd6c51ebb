import type { ConnectionOptions } from 'bullmq';
import { redisEndpoint } from '@cgi/shared';

/** BullMQ's connection for the API's own scheduled jobs (no retry limit per request, as BullMQ requires). */
export const bullmqConnection = (url: string): ConnectionOptions => ({ ...redisEndpoint(url), maxRetriesPerRequest: null });
