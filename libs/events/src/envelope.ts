import 'reflect-metadata';
import { IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Min } from 'class-validator';

/** The JSON value of every message on the bus (DESIGN.md "Event envelope"). */
export interface EventEnvelope<P = unknown> {
  eventId: string;
  eventType: string;
  eventVersion: number;
  aggregateType: string;
  aggregateId: string;
  /** The saga's correlation key; absent on user and product events. */
  orderId?: string;
  correlationId: string;
  causationId: string;
  producer: string;
  occurredAt: string;
  payload: P;
}

/** Validation rules of the envelope; used by decodeEnvelope. */
export class EnvelopeSchema implements EventEnvelope<Record<string, unknown>> {
  @IsUUID() eventId: string;
  @IsString() @IsNotEmpty() eventType: string;
  @IsInt() @Min(1) eventVersion: number;
  @IsString() @IsNotEmpty() aggregateType: string;
  @IsString() @IsNotEmpty() aggregateId: string;
  @IsOptional() @IsUUID() orderId?: string;
  @IsString() @IsNotEmpty() correlationId: string;
  @IsString() @IsNotEmpty() causationId: string;
  @IsString() @IsNotEmpty() producer: string;
  @IsISO8601({ strict: true }) occurredAt: string;
  @IsObject() payload: Record<string, unknown>;
}

/** Kafka header names that repeat envelope fields, so tools can route and trace without parsing the value. */
export const EnvelopeHeaders = {
  eventType: 'eventType',
  eventId: 'eventId',
  correlationId: 'correlationId',
  traceparent: 'traceparent',
} as const;
