/**
 * The benchmark's upstream: a minimal Nest app with the HTTP setup of every service (configureHttp), answering a
 * products-like JSON list at once. Started as its own process by gateway.bench.ts (PORT, BENCH_JWKS).
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttp } from '@homestore/platform';

const PRODUCTS = Array.from({ length: 20 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `Refrigerator model ${i}`,
  category: 'refrigerator',
  price: 1_000_000 + i * 10_000,
  salePrice: i % 3 ? null : 900_000 + i * 10_000,
  stock: 10 + i,
}));

@Controller()
class BenchController {
  @Get('products')
  products() {
    return PRODUCTS;
  }

  @Get('orders')
  orders() {
    return [];
  }

  @Get('health/ready')
  ready() {
    return { status: 'ok', checks: {} };
  }

  @Get('.well-known/jwks.json')
  jwks() {
    return JSON.parse(process.env.BENCH_JWKS ?? '{"keys":[]}');
  }
}

@Module({ controllers: [BenchController] })
class BenchUpstreamModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(BenchUpstreamModule, { logger: ['error', 'warn'] });
  configureHttp(app);
  app.enableShutdownHooks(['SIGTERM']);
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
