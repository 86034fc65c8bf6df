export * from './meetings.js';
