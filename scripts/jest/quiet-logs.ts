import { Logger } from '@nestjs/common';

// Tests read their own assertions, not the libraries' chatter; LOG_LEVEL=debug brings it back.
if (process.env.LOG_LEVEL !== 'debug') Logger.overrideLogger(['error', 'warn']);
