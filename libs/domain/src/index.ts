export * from './domain-error';
export * from './priority';
export * from './reference';

export * from './lifecycle/occurrence-command';
export * from './lifecycle/illegal-transition.error';
export * from './lifecycle/occurrence-lifecycle';

export * from './routing/default-rule-set';
export * from './routing/validate-rule-set';
export * from './routing/unknown-category.error';
export * from './routing/route';

export * from './sla/local-date';
export * from './sla/clock-time';
export * from './sla/easter';
export * from './sla/holiday-calendar';
export * from './sla/service-hours.calendar';
export * from './sla/deadlines';
export * from './sla/escalation-triggers';
export * from './sla/escalation-firing';

export * from './operational-level/operational-level';

export * from './open311/open311';

export * from './units/default-unit-rules';
export * from './units/unit-lifecycle';
export * from './units/unit-position';
export * from './units/unit-fleet';

export * from './assets/default-asset-rules';
export * from './assets/check-asset-rules';
export * from './assets/asset-fault';
export * from './assets/asset-import';
export * from './geo/service-area';
export * from './platform/ngsi-ld-attribute';
export * from './platform/platform-alert';
export * from './platform/platform-device';
export * from './platform/cgi-alert';
export * from './platform/ngsi-ld-query';
export * from './open-data/index';
export * from './public-alerts/alert-draft';
export * from './public-alerts/alert-thread';
export * from './public-alerts/cap-xml';
export * from './public-alerts/atom-feed';
