import { IsInt, Max, Min, ValidateBy } from 'class-validator';
import { ServiceConfig } from '@homestore/platform';
import { DEFAULT_SAGA_DEADLINES, parseSagaDeadlines } from './domain/saga-deadlines';

/** A valid SAGA_DEADLINES value, or the reason it is not. */
function IsSagaDeadlines(): PropertyDecorator {
  let why = '';
  return ValidateBy({
    name: 'isSagaDeadlines',
    validator: {
      validate: (value: unknown) => {
        try {
          parseSagaDeadlines(String(value));
          return true;
        } catch (e) {
          why = (e as Error).message;
          return false;
        }
      },
      defaultMessage: () => `SAGA_DEADLINES: ${why} (e.g. ${DEFAULT_SAGA_DEADLINES})`,
    },
  });
}

export class OrderConfig extends ServiceConfig {
  override PORT: number = 3002;

  /**
   * How long an order may stay in each open status (`STATUS=duration,...`). An order PENDING past its deadline (its
   * payment never answered) is canceled as a customer's cancel would be, with statusReason PAYMENT_TIMEOUT; one overdue
   * in another status is reported (homestore_saga_overdue_orders, `npm run saga:overdue`).
   */
  @IsSagaDeadlines()
  SAGA_DEADLINES: string = DEFAULT_SAGA_DEADLINES;

  /** How often each instance looks for overdue orders. */
  @IsInt() @Min(100) @Max(3_600_000)
  SAGA_DEADLINE_CHECK_MS: number = 10_000;
}
