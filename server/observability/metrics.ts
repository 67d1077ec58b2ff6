// Prometheus metrics. One registry per process, passed in deps, never a module singleton.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PipelineObserver } from '../store/commitPipeline.ts';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    clients: new Gauge({ name: 'coffer_clients', help: 'Connected clients', registers: [registry] }),
    rooms: new Gauge({ name: 'coffer_rooms', help: 'Rooms alive in this process', labelNames: ['room'], registers: [registry] }),
    commands: new Counter({ name: 'coffer_commands_total', help: 'Commands by type and outcome (ack or the nack code)', labelNames: ['type', 'outcome'], registers: [registry] }),
    commandSeconds: new Histogram({ name: 'coffer_command_seconds', help: 'Time from receiving a command to sending its reply', buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1], registers: [registry] }),
    batchSize: new Histogram({ name: 'coffer_commit_batch_size', help: 'Mutations per committed batch', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry] }),
    commitSeconds: new Histogram({ name: 'coffer_commit_seconds', help: 'Batch commit latency', buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    queueDepth: new Gauge({ name: 'coffer_pipeline_queue_depth', help: 'Mutations waiting for the next batch', registers: [registry] }),
    transport: new Gauge({ name: 'coffer_transport_info', help: 'The WebSocket transport in use (1 for the active one)', labelNames: ['transport'], registers: [registry] }),
    commitRetries: new Counter({ name: 'coffer_commit_retries_total', help: 'Batches retried after a transient storage error', registers: [registry] }),
    relayedEvents: new Counter({ name: 'coffer_relay_events_total', help: 'Outbox rows published by this process\'s relay', registers: [registry] }),
    relayReplays: new Counter({ name: 'coffer_relay_replayed_events_total', help: 'Outbox rows published again because Redis lost its data', registers: [registry] }),
    relayLag: new Histogram({
      name: 'coffer_relay_lag_seconds',
      help: 'Time from the commit of an event to its publication in Redis (stage=published) and to its arrival in this process (stage=delivered)',
      labelNames: ['stage'],
      buckets: [0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    roomLookups: new Counter({ name: 'coffer_room_lookups_total', help: 'Matchmaker room lookups, by how they were answered: direct (by key, constant time) or scan (filtering every cached room)', labelNames: ['kind'], registers: [registry] }),
    commitFailures: new Counter({ name: 'coffer_commit_failures_total', help: 'Mutations that did not commit, by reason', labelNames: ['reason'], registers: [registry] }),
    unexpectedErrors: new Counter({
      name: 'coffer_unexpected_errors_total',
      help: 'Errors nothing caught (kind=uncaught_exception or unhandled_rejection): logged, and the process kept serving (docs/OPERATIONS.md, "Unexpected errors")',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
  return metrics;
}

export function pipelineObserver(metrics: Metrics, onFailure: (reason: string, error: unknown) => void): PipelineObserver {
  return {
    batchCommitted(size, seconds) {
      metrics.batchSize.observe(size);
      metrics.commitSeconds.observe(seconds);
    },
    queueDepth(depth) {
      metrics.queueDepth.set(depth);
    },
    retried() {
      metrics.commitRetries.inc();
    },
    failed(reason, error) {
      metrics.commitFailures.inc({ reason });
      onFailure(reason, error);
    },
  };
}
