export type { ConsumeOptions, EnqueueOptions, JobQueue, QueueHandler, QueueItem } from "./job-queue.js";
export { createMemoryQueue } from "./memory/memory-queue.js";
