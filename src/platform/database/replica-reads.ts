import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { DB_REPLICA_CIRCUIT_OPEN, DB_REPLICA_FALLBACKS, ReplicaFallbackLabel } from '../metrics/metric-names';
import { CircuitBreaker, CircuitState } from '../resilience/circuit-breaker';
import { connectivityFault } from './connectivity-fault';
import { REPLICA } from './connections';

/** A read the replica circuit skipped; the primary answers it instead. */
class ReplicaSkippedError extends Error {
  override readonly name = 'ReplicaSkippedError';
}

/**
 * Where every read of the generated services goes: to the replica, unless it cannot be reached.
 * A read that fails there with a connectivity fault is run again on the primary within the same
 * request, so a lost replica costs latency, not errors. After REPLICA_BREAKER_FAILURES consecutive
 * faults the circuit opens and reads go straight to the primary for REPLICA_BREAKER_COOLDOWN_MS;
 * then one read probes the replica, and its outcome closes or reopens the circuit. Errors of the
 * query itself (a bad value) are the caller's and are passed on, never retried. Until the replica
 * connection could be opened at all (see ReplicaConnection), every read goes to the primary.
 *
 * No timeout of its own: connecting is bounded by DB_CONNECT_TIMEOUT_MS and a query by the statement
 * timeout, and a slow query is no reason to run it twice.
 */
@Injectable()
export class ReplicaReads {
  private readonly circuit: CircuitBreaker;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource(REPLICA) private readonly replica: DataSource,
    @InjectMetric(DB_REPLICA_FALLBACKS.name) private readonly fallbacks: Counter<ReplicaFallbackLabel>,
    @InjectMetric(DB_REPLICA_CIRCUIT_OPEN.name) open: Gauge,
  ) {
    const logger = new Logger('ReplicaReads');
    open.set(0);
    this.circuit = new CircuitBreaker({
      failureThreshold: config.replicaBreakerFailures,
      coolDownMs: config.replicaBreakerCooldownMs,
      isFailure: (error) => connectivityFault(error) !== undefined,
      unavailable: (message) => new ReplicaSkippedError(`replica ${message}`),
      onStateChange: (state: CircuitState) => {
        open.set(state === 'closed' ? 0 : 1);
        if (state === 'open')
          logger.warn(`Replica unreachable: reads go to the primary for ${config.replicaBreakerCooldownMs} ms`);
        else if (state === 'closed') logger.log('Replica answers again: reads go to it');
      },
    });
  }

  get state(): CircuitState {
    return this.circuit.state;
  }

  /** Runs `fromReplica`, or `fromPrimary` when the replica is skipped or fails to connect or answer. */
  async read<T>(fromReplica: () => Promise<T>, fromPrimary: () => Promise<T>): Promise<T> {
    if (!this.replica.isInitialized) {
      this.fallbacks.inc({ reason: 'not_connected' });
      return fromPrimary();
    }
    try {
      return await this.circuit.call(fromReplica);
    } catch (error) {
      const reason = error instanceof ReplicaSkippedError ? 'circuit_open' : connectivityFault(error);
      if (reason === undefined) throw error;
      this.fallbacks.inc({ reason });
      return fromPrimary();
    }
  }
}
