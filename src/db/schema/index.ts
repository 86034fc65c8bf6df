export * from './meetings.js';
export * from './subscribers.js';
export * from './digests.js';
export * from './feeds.js';
export * from './harvest.js';
export * from './console.js';
export * from './inbound.js';
export * from './late-news.js';
