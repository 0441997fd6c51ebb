/**
 * What the worker takes from the API's sources: the data source options (same database, same
 * migrations) and the event log's SQL (the log is the outbox). Kept in this one file so the
 * dependency is visible; it moves to a server library when a third app needs it.
 */
/* eslint-disable @nx/enforce-module-boundaries */
export { dataSourceOptions } from '../../api/src/database/data-source-options';
export { pgClientConfig } from '../../api/src/database/session-settings';
export { appendEvents, readEventsAfter, type NewEvent, type Queryable } from '../../api/src/events/event-log.sql';
export { formatPosition, parsePosition, type EventPosition } from '../../api/src/events/event-position';
/* eslint-enable @nx/enforce-module-boundaries */
