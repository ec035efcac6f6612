import type { OpenAPIV3 } from 'openapi-types';
import { Route, ROUTES } from '../routes';

/*
 * The public API as clients see it through the gateway (DESIGN.md, "HTTP API"). Written here, for the gateway,
 * rather than generated from the services' DTOs: apps share no HTTP DTOs, and this is the contract they answer to.
 * A unit test checks that it documents exactly the routes of the route table.
 */

type Schema = OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject;

const ref = (name: string): OpenAPIV3.ReferenceObject => ({ $ref: `#/components/schemas/${name}` });
const str = (extra: Partial<OpenAPIV3.NonArraySchemaObject> = {}): OpenAPIV3.SchemaObject => ({ type: 'string', ...extra });
const int = (extra: Partial<OpenAPIV3.NonArraySchemaObject> = {}): OpenAPIV3.SchemaObject => ({ type: 'integer', ...extra });
const uuid = str({ format: 'uuid' });
const time = str({ format: 'date-time' });
const arrayOf = (items: Schema): OpenAPIV3.ArraySchemaObject => ({ type: 'array', items });
const object = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): OpenAPIV3.SchemaObject => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});

const ORDER_STATUS = ['PENDING', 'PAID', 'RECEIVED', 'ACCEPTED', 'SHIPPING', 'DELIVERED', 'REJECTED', 'CANCELING', 'CANCELED'];

const schemas: Record<string, Schema> = {
  Error: {
    type: 'object',
    description: 'Every error answer. `code` is stable (e.g. `ORDER.NOT_CANCELABLE`); validation errors list the fields.',
    properties: {
      statusCode: int({ example: 409 }),
      code: str({ example: 'ORDER.NOT_CANCELABLE' }),
      message: str(),
      fields: arrayOf(object({ field: str(), errors: arrayOf(str()) })),
    },
    required: ['statusCode', 'code', 'message'],
  },
  Signup: object({ email: str({ format: 'email' }), password: str({ minLength: 8 }), name: str(), phone: str({ example: '+82 10-1234-5678' }) }),
  Login: object({ email: str({ format: 'email' }), password: str() }),
  Token: object({ accessToken: str(), tokenType: str({ enum: ['Bearer'] }), expiresIn: int({ description: 'seconds' }) }),
  User: object({ id: uuid, email: str({ format: 'email' }), name: str(), phone: str(), role: str({ enum: ['customer', 'store'] }) }),
  ProfileChange: object({ name: str(), phone: str() }, []),
  Product: object({ id: uuid, name: str(), category: str(), price: int(), salePrice: { ...int(), nullable: true }, stock: int() }),
  NewProduct: object({ name: str(), category: str(), price: int({ minimum: 0 }), salePrice: int({ minimum: 0 }), stock: int({ minimum: 0 }) }, ['name', 'category', 'price', 'stock']),
  ProductChange: object({ name: str(), category: str(), price: int({ minimum: 0 }), salePrice: { ...int({ minimum: 0 }), nullable: true }, stock: int({ minimum: 0 }) }, []),
  NewOrder: object({
    items: arrayOf(object({ productId: uuid, quantity: int({ minimum: 1 }) })),
    deliveryAddress: str(),
    deliveryPhone: str(),
    payment: object({ method: str({ enum: ['card'] }), cardToken: str({ description: '`tok_decline` is declined, `tok_refund_fail` cannot be refunded' }) }),
  }),
  OrderItem: object({ productId: uuid, name: str(), unitPrice: int(), quantity: int() }),
  Order: object(
    {
      id: uuid,
      status: str({ enum: ORDER_STATUS }),
      statusReason: { ...str({ enum: ['PAYMENT_FAILED', 'OUT_OF_STOCK'] }), nullable: true },
      items: arrayOf(ref('OrderItem')),
      totalAmount: int(),
      createdAt: time,
      updatedAt: time,
    },
    ['id', 'status', 'items', 'totalAmount', 'createdAt'],
  ),
  Canceling: object({ id: uuid, status: str({ enum: ['CANCELING'] }) }),
  MyPageOrder: object({
    orderId: uuid,
    status: str({ enum: ORDER_STATUS }),
    paymentStatus: str({ enum: ['NONE', 'APPROVED', 'FAILED', 'REFUNDED', 'REFUND_FAILED'] }),
    deliveryStatus: str({ enum: ['NONE', 'STARTED', 'CANCELED', 'COMPLETED'] }),
    totalAmount: int(),
    items: arrayOf(ref('OrderItem')),
    updatedAt: time,
    history: arrayOf(object({ eventType: str(), occurredAt: time })),
  }),
  MyPage: object({ orders: arrayOf(ref('MyPageOrder')), nextCursor: { ...str(), nullable: true, description: 'Pass as `before` for the next page; null on the last page' } }),
  StoreOrder: object({
    id: uuid,
    orderId: uuid,
    customerId: uuid,
    status: str({ enum: ['RECEIVED', 'ACCEPTED', 'CANCELED', 'OUT_OF_STOCK'] }),
    items: arrayOf(object({ productId: uuid, quantity: int() })),
    deliveryAddress: { ...str(), nullable: true },
    deliveryPhone: { ...str(), nullable: true },
    createdAt: time,
    updatedAt: time,
  }),
  Payment: object(
    { orderId: uuid, status: str({ enum: ['APPROVED', 'FAILED', 'REFUNDED', 'REFUND_FAILED'] }), amount: int(), reason: str(), updatedAt: time },
    ['orderId', 'status', 'amount', 'updatedAt'],
  ),
  Delivery: object({ orderId: uuid, status: str({ enum: ['STARTED', 'CANCELED', 'COMPLETED'] }), address: str(), updatedAt: time }),
  Message: object({
    id: uuid,
    type: str({ enum: ['WELCOME', 'ORDER_REJECTED', 'ORDER_CANCELED', 'DELIVERY_STARTED', 'DELIVERY_CANCELED', 'DELIVERY_COMPLETED'] }),
    orderId: { ...uuid, nullable: true },
    text: str(),
    createdAt: time,
  }),
  Jwks: { type: 'object', properties: { keys: arrayOf({ type: 'object' }) }, required: ['keys'] },
};

const error = (description: string): OpenAPIV3.ResponseObject => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const retryAfter: Record<string, OpenAPIV3.HeaderObject> = { 'Retry-After': { description: 'Seconds to wait', schema: int() } };

/** Answers any route may give, added to each operation. */
const commonResponses = (route: Route): OpenAPIV3.ResponsesObject => ({
  ...(route.access !== 'public' && { '401': error('Missing, expired or invalid access token (`AUTH.INVALID_TOKEN`)') }),
  ...(route.access === 'store' && { '403': error('The token is not a store clerk’s (`AUTH.FORBIDDEN`)') }),
  ...(['POST', 'PATCH', 'PUT'].includes(route.method) && {
    '400': error('Malformed JSON (`REQUEST.MALFORMED_JSON`) or invalid or unknown fields (`REQUEST.VALIDATION_FAILED`, with `fields`)'),
    '413': error('Body over 64 KiB (`REQUEST.TOO_LARGE`)'),
    '415': error('Body that is not application/json (`REQUEST.UNSUPPORTED_MEDIA_TYPE`)'),
  }),
  '429': { ...error('Over the rate limit of the client IP or the user (`RATE_LIMITED`)'), headers: retryAfter },
  '503': { ...error('The service is down or its circuit is open (`UPSTREAM.UNAVAILABLE`)'), headers: retryAfter },
  '504': error('The service did not answer in time (`UPSTREAM.TIMEOUT`)'),
});

const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema: Schema): OpenAPIV3.ResponseObject => ({ description, ...json(schema) });
const uuidParam = (name: string): OpenAPIV3.ParameterObject => ({ name, in: 'path', required: true, schema: uuid });

interface Operation {
  summary: string;
  tag: string;
  body?: Schema;
  params?: OpenAPIV3.ParameterObject[];
  responses: OpenAPIV3.ResponsesObject;
}

/** One entry per route of the route table, keyed `METHOD path` as there. */
export const OPERATIONS: Record<string, Operation> = {
  'POST /auth/signup': {
    tag: 'users',
    summary: 'Create a customer account',
    body: ref('Signup'),
    responses: { '201': ok('The new customer', ref('User')), '409': error('`USER.EMAIL_TAKEN`') },
  },
  'POST /auth/login': {
    tag: 'users',
    summary: 'Get an access token',
    body: ref('Login'),
    responses: { '200': ok('A bearer token for the Authorization header', ref('Token')), '401': error('Wrong email or password') },
  },
  'GET /.well-known/jwks.json': { tag: 'users', summary: 'Public keys that sign access tokens', responses: { '200': ok('JWKS', ref('Jwks')) } },
  'GET /users/me': { tag: 'users', summary: 'My profile', responses: { '200': ok('Profile', ref('User')) } },
  'PATCH /users/me': { tag: 'users', summary: 'Change my name or phone', body: ref('ProfileChange'), responses: { '200': ok('Profile', ref('User')) } },
  'GET /products': {
    tag: 'products',
    summary: 'The catalog',
    params: [
      { name: 'category', in: 'query', schema: str() },
      { name: 'onSale', in: 'query', schema: { type: 'boolean' } },
    ],
    responses: { '200': ok('Products', arrayOf(ref('Product'))) },
  },
  'GET /products/:id': { tag: 'products', summary: 'One product', params: [uuidParam('id')], responses: { '200': ok('Product', ref('Product')), '404': error('No such product') } },
  'POST /products': { tag: 'store', summary: 'Add a product', body: ref('NewProduct'), responses: { '201': ok('Product', ref('Product')) } },
  'PATCH /products/:id': {
    tag: 'store',
    summary: 'Change a product (price, sale price, stock...)',
    params: [uuidParam('id')],
    body: ref('ProductChange'),
    responses: { '200': ok('Product', ref('Product')), '404': error('No such product') },
  },
  'GET /store/orders': {
    tag: 'store',
    summary: 'Orders the store has received',
    params: [{ name: 'status', in: 'query', schema: str({ enum: ['RECEIVED', 'ACCEPTED', 'CANCELED', 'OUT_OF_STOCK'] }) }],
    responses: { '200': ok('Store orders', arrayOf(ref('StoreOrder'))) },
  },
  'POST /store/orders/:orderId/accept': {
    tag: 'store',
    summary: 'Accept a received order',
    params: [uuidParam('orderId')],
    responses: { '200': ok('Accepted', ref('StoreOrder')), '404': error('No such store order'), '409': error('The order is not RECEIVED') },
  },
  'POST /orders': {
    tag: 'orders',
    summary: 'Place an order',
    params: [{ name: 'Idempotency-Key', in: 'header', schema: str(), description: 'The same key gives back the same order' }],
    body: ref('NewOrder'),
    responses: { '201': ok('The order, PENDING', ref('Order')), '422': error('`ORDER.UNKNOWN_PRODUCT`: not (yet) in the catalog') },
  },
  'GET /orders': { tag: 'orders', summary: 'My orders', responses: { '200': ok('Orders', arrayOf(ref('Order'))) } },
  'GET /orders/:id': { tag: 'orders', summary: 'One of my orders', params: [uuidParam('id')], responses: { '200': ok('Order', ref('Order')), '404': error('No such order of mine') } },
  'POST /orders/:id/cancel': {
    tag: 'orders',
    summary: 'Cancel an order (from PENDING up to SHIPPING)',
    params: [uuidParam('id')],
    responses: { '202': ok('Canceling', ref('Canceling')), '404': error('No such order of mine'), '409': error('`ORDER.NOT_CANCELABLE`') },
  },
  'GET /mypage': {
    tag: 'orders',
    summary: 'My orders with payment, delivery and history, most recently changed first, a page at a time',
    params: [
      {
        name: 'status',
        in: 'query',
        schema: { type: 'string', enum: ['PENDING', 'PAID', 'RECEIVED', 'ACCEPTED', 'SHIPPING', 'DELIVERED', 'REJECTED', 'CANCELING', 'CANCELED'] },
        description: 'Only the orders in this status',
      },
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
      { name: 'before', in: 'query', schema: str(), description: 'The nextCursor of the page before' },
    ],
    responses: { '200': ok('My page', ref('MyPage')), '400': error('`MYPAGE.INVALID_CURSOR`, or limit outside 1–100 or an unknown status (`REQUEST.VALIDATION_FAILED`)') },
  },
  'GET /mypage/orders/:id': {
    tag: 'orders',
    summary: 'One order on my page',
    params: [uuidParam('id')],
    responses: { '200': ok('Order', ref('MyPageOrder')), '404': error('No such order of mine') },
  },
  'GET /payments/:orderId': {
    tag: 'orders',
    summary: 'The payment of an order (its owner or the store)',
    params: [uuidParam('orderId')],
    responses: { '200': ok('Payment', ref('Payment')), '404': error('No such payment') },
  },
  'GET /deliveries/:orderId': {
    tag: 'orders',
    summary: 'The delivery of an order (its owner or the store)',
    params: [uuidParam('orderId')],
    responses: { '200': ok('Delivery', ref('Delivery')), '404': error('No such delivery') },
  },
  'POST /deliveries/:orderId/complete': {
    tag: 'store',
    summary: 'Mark a delivery as done',
    params: [uuidParam('orderId')],
    responses: { '200': ok('Delivery', ref('Delivery')), '404': error('No such delivery') },
  },
  'GET /messages': { tag: 'users', summary: 'My notifications, newest first', responses: { '200': ok('Messages', arrayOf(ref('Message'))) } },
};

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** The OpenAPI 3 document served at /docs/openapi.json. */
export function openApiDocument(routes: readonly Route[] = ROUTES): OpenAPIV3.Document {
  const paths: OpenAPIV3.PathsObject = {};
  for (const route of routes) {
    const op = OPERATIONS[`${route.method} ${route.path}`];
    if (!op) throw new Error(`no documentation for ${route.method} ${route.path}`);
    const item = (paths[openApiPath(route.path)] ??= {}) as Record<string, OpenAPIV3.OperationObject>;
    item[route.method.toLowerCase()] = {
      tags: [op.tag],
      summary: op.summary,
      operationId: `${route.method.toLowerCase()}${openApiPath(route.path).replace(/[^a-zA-Z]+(\w)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
      security: route.access === 'public' ? [] : [{ bearer: [] }],
      ...(route.access === 'store' && { description: 'Store clerks only.' }),
      parameters: op.params,
      requestBody: op.body && { required: true, ...json(op.body) },
      responses: { ...op.responses, ...commonResponses(route) },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Homestore API',
      version: process.env.npm_package_version ?? '0.0.0',
      description:
        'Everything goes through the gateway. Send `Authorization: Bearer <accessToken>` from `POST /auth/login`. ' +
        'Every answer carries `X-Request-Id` and `X-Correlation-Id` (send your own to follow a flow). ' +
        'Unknown fields are rejected; bodies are JSON of at most 64 KiB.',
    },
    tags: [
      { name: 'users', description: 'Accounts, tokens and notifications' },
      { name: 'products', description: 'The catalog' },
      { name: 'orders', description: 'Ordering and following an order' },
      { name: 'store', description: 'For store clerks' },
    ],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
