export type { ConsumeOptions, EnqueueOptions, JobQueue, QueueHandler, QueueItem } from "./job-queue.js";
export { createMemoryQueue } from "./memory/memory-queue.js";
export { type Leadership, type LeadershipOptions, startLeadership } from "./leadership.js";
