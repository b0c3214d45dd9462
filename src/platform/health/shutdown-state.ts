import { Injectable } from '@nestjs/common';

/**
 * Set when SIGTERM arrives. While draining, readiness fails so the load balancer stops routing here,
 * but the server still answers requests until it closes.
 */
@Injectable()
export class ShutdownState {
  private drainingSince: number | undefined;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  startDraining(): void {
    this.drainingSince ??= Date.now();
  }
}
