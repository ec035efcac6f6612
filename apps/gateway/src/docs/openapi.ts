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

/** What an order needs besides its lines: POST /cart/checkout's body, and POST /orders' with `items`. */
const orderDetails: Record<string, Schema> = {
  deliveryAddress: str(),
  deliveryPhone: str(),
  payment: object({ method: str({ enum: ['card'] }), cardToken: str({ description: '`tok_decline` is declined, `tok_refund_fail` cannot be refunded' }) }),
  pointsToUse: int({
    minimum: 0,
    default: 0,
    description: 'Mileage points to pay with, at most the order’s total; the card is charged the rest (`amountDue`). Too few points in the wallet: the order ends REJECTED `POINTS_UNAVAILABLE`, nothing charged',
  }),
};
const orderDetailsRequired = ['deliveryAddress', 'deliveryPhone', 'payment'];

/** A page of a paged list (DESIGN.md, "HTTP API"): `{ [key]: items, nextCursor }`. */
const pageOf = (key: string, item: Schema): OpenAPIV3.SchemaObject =>
  object({ [key]: arrayOf(item), nextCursor: { ...str(), nullable: true, description: 'Pass as `before` for the next page; null on the last page' } });

/** `?limit=&before=` of every paged list. */
const pageParams: OpenAPIV3.ParameterObject[] = [
  { name: 'limit', in: 'query', schema: int({ minimum: 1, maximum: 200, default: 50 }), description: 'Rows on the page' },
  { name: 'before', in: 'query', schema: str(), description: 'The nextCursor of the page before' },
];

/** The 400 of a paged list: its own `<AREA>.INVALID_CURSOR`, or a bad limit (or other field). */
const pageError = (area: string, also = '') =>
  error(`\`${area}.INVALID_CURSOR\` (before is no nextCursor of this list), or limit outside 1–200${also} (\`REQUEST.VALIDATION_FAILED\`)`);

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
  NewOrder: object({ items: arrayOf(object({ productId: uuid, quantity: int({ minimum: 1 }) })), ...orderDetails }, ['items', ...orderDetailsRequired]),
  Checkout: object(orderDetails, orderDetailsRequired),
  OrderItem: object({ productId: uuid, name: str(), unitPrice: int(), quantity: int() }),
  Order: object(
    {
      id: uuid,
      status: str({ enum: ORDER_STATUS }),
      statusReason: { ...str({ enum: ['PAYMENT_FAILED', 'OUT_OF_STOCK', 'POINTS_UNAVAILABLE', 'PAYMENT_TIMEOUT'] }), nullable: true },
      items: arrayOf(ref('OrderItem')),
      totalAmount: int(),
      pointsUsed: int({ minimum: 0, description: 'Points the order pays with (its pointsToUse)' }),
      amountDue: int({ minimum: 0, description: 'What the card is charged: totalAmount − pointsUsed' }),
      createdAt: time,
      updatedAt: time,
    },
    ['id', 'status', 'items', 'totalAmount', 'pointsUsed', 'amountDue', 'createdAt'],
  ),
  Canceling: object({ id: uuid, status: str({ enum: ['CANCELING'] }) }),
  CartItem: object({
    productId: uuid,
    name: str(),
    unitPrice: { ...int(), nullable: true, description: 'The price now (the sale price while on sale); null while the line is not available' },
    quantity: int({ minimum: 1, maximum: 99 }),
    lineAmount: { ...int(), nullable: true },
    available: { type: 'boolean', description: 'Whether the line can be ordered now: the order service knows the product' },
  }),
  Cart: object(
    {
      items: arrayOf(ref('CartItem')),
      totalAmount: int({ description: 'The sum of the available lines' }),
      updatedAt: { ...time, description: 'When the lines last changed; absent on an empty cart' },
    },
    ['items', 'totalAmount'],
  ),
  CartQuantity: object({ quantity: int({ minimum: 1, maximum: 99 }) }),
  MyPageOrder: object({
    orderId: uuid,
    status: str({ enum: ORDER_STATUS }),
    paymentStatus: str({ enum: ['NONE', 'APPROVED', 'FAILED', 'REFUNDED', 'REFUND_FAILED'] }),
    deliveryStatus: str({ enum: ['NONE', 'STARTED', 'CANCELED', 'COMPLETED'] }),
    totalAmount: int(),
    pointsUsed: { ...int({ minimum: 0, description: 'Points the order pays with; null until its OrderPlaced reached myPage' }), nullable: true },
    pointsEarned: int({ minimum: 0, description: 'Points the delivered order earned (1 % of the amount charged, rounded down); 0 until then' }),
    items: arrayOf(ref('OrderItem')),
    updatedAt: time,
    history: arrayOf(object({ eventType: str(), occurredAt: time })),
  }),
  MyPage: pageOf('orders', ref('MyPageOrder')),
  Orders: pageOf('orders', ref('Order')),
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
  StoreOrders: pageOf('orders', ref('StoreOrder')),
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
  Messages: pageOf('messages', ref('Message')),
  MileageEntry: object({
    type: str({ enum: ['EARNED', 'USED', 'RELEASED'], description: 'EARNED added points, USED took them for an order, RELEASED gave back what a rejected or canceled order had taken' }),
    reason: str({
      enum: ['WELCOME', 'ORDER', 'ORDER_REJECTED', 'ORDER_CANCELED'],
      description: 'EARNED: `WELCOME` (every new customer) or `ORDER` (a delivered order); USED: `ORDER`; RELEASED: `ORDER_REJECTED` or `ORDER_CANCELED`',
    }),
    points: int({ minimum: 1 }),
    orderId: { ...uuid, nullable: true, description: 'null for the welcome points' },
    occurredAt: time,
  }),
  Mileage: object({
    balance: int({ minimum: 0, description: 'Points in the wallet now (reserved points are already taken out)' }),
    history: arrayOf(ref('MileageEntry')),
    nextCursor: { ...str(), nullable: true, description: 'Pass as `before` for the next page of history; null on the last page' },
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
    summary: 'Orders the store has received, newest first, a page at a time',
    params: [{ name: 'status', in: 'query', schema: str({ enum: ['RECEIVED', 'ACCEPTED', 'CANCELED', 'OUT_OF_STOCK'] }), description: 'Only the orders in this status' }, ...pageParams],
    responses: { '200': ok('A page of store orders', ref('StoreOrders')), '400': pageError('STORE', ' or an unknown status') },
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
    responses: {
      '201': ok('The order, PENDING', ref('Order')),
      '400': error('`ORDER.INVALID_POINTS`: pointsToUse over the total, or the usual validation errors'),
      '422': error('`ORDER.UNKNOWN_PRODUCT`: not (yet) in the catalog'),
    },
  },
  'GET /orders': {
    tag: 'orders',
    summary: 'My orders, newest first, a page at a time',
    params: pageParams,
    responses: { '200': ok('A page of my orders', ref('Orders')), '400': pageError('ORDER') },
  },
  'GET /orders/:id': { tag: 'orders', summary: 'One of my orders', params: [uuidParam('id')], responses: { '200': ok('Order', ref('Order')), '404': error('No such order of mine') } },
  'POST /orders/:id/cancel': {
    tag: 'orders',
    summary: 'Cancel an order (from PENDING up to SHIPPING)',
    params: [uuidParam('id')],
    responses: { '202': ok('Canceling', ref('Canceling')), '404': error('No such order of mine'), '409': error('`ORDER.NOT_CANCELABLE`') },
  },
  'GET /cart': { tag: 'cart', summary: 'My cart, each line at its price now', responses: { '200': ok('The cart', ref('Cart')) } },
  'PUT /cart/items/:productId': {
    tag: 'cart',
    summary: 'Put a product in my cart, or change how many it holds',
    params: [uuidParam('productId')],
    body: ref('CartQuantity'),
    responses: {
      '200': ok('The cart', ref('Cart')),
      '409': error('`CART.FULL`: the cart holds 100 products already'),
      '422': error('`ORDER.UNKNOWN_PRODUCT`: not (yet) in the catalog'),
    },
  },
  'DELETE /cart/items/:productId': {
    tag: 'cart',
    summary: 'Take a product out of my cart',
    params: [uuidParam('productId')],
    responses: { '200': ok('The cart (the same when the product was not in it)', ref('Cart')) },
  },
  'DELETE /cart': { tag: 'cart', summary: 'Empty my cart', responses: { '200': ok('The cart, empty', ref('Cart')) } },
  'POST /cart/checkout': {
    tag: 'cart',
    summary: 'Order what my cart holds, as POST /orders would',
    params: [{ name: 'Idempotency-Key', in: 'header', schema: str(), description: 'The same key gives back the same order (and leaves the cart alone)' }],
    body: ref('Checkout'),
    responses: {
      '201': ok('The order, PENDING, of the cart’s lines at the prices of now; the cart is empty', ref('Order')),
      '400': error('`ORDER.INVALID_POINTS`: pointsToUse over the total, or the usual validation errors'),
      '409': error('`CART.EMPTY`'),
      '422': error('`ORDER.UNKNOWN_PRODUCT`: a line is not available; the cart is left as it was'),
    },
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
      ...pageParams,
    ],
    responses: { '200': ok('A page of my page', ref('MyPage')), '400': pageError('MYPAGE', ' or an unknown status') },
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
  'GET /messages': {
    tag: 'users',
    summary: 'My notifications, newest first, a page at a time',
    params: pageParams,
    responses: { '200': ok('A page of my notifications', ref('Messages')), '400': pageError('MESSAGE') },
  },
  'GET /mileage': {
    tag: 'users',
    summary: 'My points: the balance and its history, newest first, a page at a time',
    params: pageParams,
    responses: { '200': ok('My balance and a page of its history', ref('Mileage')), '400': pageError('MILEAGE') },
  },
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
      { name: 'users', description: 'Accounts, tokens, notifications and points' },
      { name: 'products', description: 'The catalog' },
      { name: 'cart', description: 'The shopping cart, and ordering it' },
      { name: 'orders', description: 'Ordering and following an order' },
      { name: 'store', description: 'For store clerks' },
    ],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
