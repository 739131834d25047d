// @bottega/protocol: the contract between the server and the web app.
export * from './domain';
export * from './api';
export * from './presenters';
export * from './events';
export * from './errors';
export * from './messages';
export * from './repo-url';
export * from './text';
export * from './sandbox';
export * from './responses';
export * from './contract';
export * from './cost';
export * from './progress';
export * from './needs-you';
export * from './search';
export * from './pull-request';
export * from './wip-limits';
