import { randomInt } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { StaleRecordError } from '../registry/errors.ts';
import { callDynamoDb } from './dynamodb-errors.ts';

/**
 * The version a new record starts from: random, not 1. Unregister deletes the record, so an image
 * can be unregistered and created again; counting from 1 each time would let a writer that read
 * the old record pass its version guard against the new one (ABA) and leave the tag index
 * disagreeing with the record. A random start makes that a 1 in 2^47 coincidence.
 */
export const firstVersion = () => randomInt(1, 2 ** 47);

/** A write lost its race when its own guard failed or another transaction held the items. */
export const isLostRace = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict'));

/** Runs a write guarded by the record's version; a lost race becomes StaleRecordError for the registry to retry. */
export const guardedWrite = async (imageId: string, write: () => Promise<unknown>): Promise<void> => {
  try {
    await callDynamoDb(write);
  } catch (error) {
    if (isLostRace(error)) throw new StaleRecordError(imageId);
    throw error;
  }
};

/** Runs a conditional write that may rightly not apply (its condition is the rule, not a race): whether it applied. */
export const appliedIfConditionHeld = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await callDynamoDb(write);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};
