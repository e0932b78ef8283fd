import { describe, expect, it } from 'vitest';
import {
  ANSWER_RESERVE_MS,
  BACKSTOP_MS,
  CONNECTION_TIMEOUT_MS,
  FUNCTION_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  SDK_MAX_ATTEMPTS,
  SDK_MAX_BACKOFF_MS,
} from '../../lib/time-budget.ts';

/** API Gateway's HTTP API waits at most this long for a function. */
const API_GATEWAY_TIMEOUT_MS = 30_000;
const REQUEST_BUDGET_MS = FUNCTION_TIMEOUT_MS - ANSWER_RESERVE_MS;

describe('the time budget: SDK budgets and the function timeout agree (lib/time-budget.ts)', () => {
  it('a function answers before API Gateway gives up on it', () => {
    expect(FUNCTION_TIMEOUT_MS).toBeLessThan(API_GATEWAY_TIMEOUT_MS);
  });

  it('one SDK call against a service that never answers ends, all attempts and backoff included, before the deadline', () => {
    expect(SDK_MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + SDK_MAX_BACKOFF_MS.transient).toBeLessThan(REQUEST_BUDGET_MS);
  });

  it('one SDK call against a service that throttles ends before the deadline', () => {
    // A throttling answer is quick; the backoff is what takes the time.
    expect(SDK_MAX_BACKOFF_MS.throttling + SDK_MAX_ATTEMPTS * CONNECTION_TIMEOUT_MS).toBeLessThan(REQUEST_BUDGET_MS);
  });

  it('a connection that never opens fails within its attempt', () => {
    expect(CONNECTION_TIMEOUT_MS).toBeLessThan(REQUEST_TIMEOUT_MS);
  });

  it("the deadline comes before middy's last-resort answer, which comes before the timeout", () => {
    expect(BACKSTOP_MS).toBeGreaterThan(0);
    expect(BACKSTOP_MS).toBeLessThan(ANSWER_RESERVE_MS);
    expect(ANSWER_RESERVE_MS).toBeLessThan(FUNCTION_TIMEOUT_MS / 10);
  });
});
