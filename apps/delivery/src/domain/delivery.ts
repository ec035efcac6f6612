/**
 * VOIDED: the store canceled the order before delivery heard it was accepted; the row stays as a tombstone so
 * that a late OrderAccepted never starts a delivery.
 */
export type DeliveryStatus = 'STARTED' | 'CANCELED' | 'COMPLETED' | 'VOIDED';

export interface DeliveryState {
  deliveryId: string;
  orderId: string;
  customerId: string;
  status: DeliveryStatus;
  /** Absent on a voided delivery, which never had one. */
  address: string | null;
  phone: string | null;
}

/** The facts a delivery announces. */
export type DeliveryFact = { type: 'DeliveryStarted' } | { type: 'DeliveryCanceled' } | { type: 'DeliveryCompleted' };

export interface AcceptedOrder {
  deliveryId: string;
  orderId: string;
  customerId: string;
  address: string;
  phone: string;
}

/** The order the store canceled, and the id a tombstone gets if delivery never saw it accepted. */
export interface CanceledOrder {
  deliveryId: string;
  orderId: string;
  customerId: string;
}

/** What an event made of an order's delivery: the delivery to keep, and the fact to announce, if any. */
export interface DeliveryChange {
  delivery: Delivery;
  fact: DeliveryFact | null;
}

export type CompleteResult = { ok: true; fact: DeliveryFact | null } | { ok: false; status: DeliveryStatus | 'NONE' };

/** One order's delivery: started once, canceled only while under way, completed only once it has started. */
export class Delivery {
  private constructor(private state: DeliveryState) {}

  static restore(state: DeliveryState): Delivery {
    return new Delivery({ ...state });
  }

  /** An accepted order goes out for delivery, unless it already has a delivery (a redelivery, or a tombstone). */
  static start(existing: Delivery | null, order: AcceptedOrder): { delivery: Delivery; fact: DeliveryFact } | null {
    if (existing) return null;
    return { delivery: new Delivery({ ...order, status: 'STARTED' }), fact: { type: 'DeliveryStarted' } };
  }

  /** The store canceled the order before delivery saw it accepted. */
  static voided(deliveryId: string, orderId: string, customerId: string): Delivery {
    return new Delivery({ deliveryId, orderId, customerId, status: 'VOIDED', address: null, phone: null });
  }

  /**
   * The store canceled the order: a delivery under way is called off; when delivery has not seen the order accepted
   * yet, a VOIDED tombstone is left; a canceled, completed or voided delivery stays as it is (null: nothing changes).
   */
  static cancelOrder(existing: Delivery | null, order: CanceledOrder): DeliveryChange | null {
    if (!existing) return { delivery: Delivery.voided(order.deliveryId, order.orderId, order.customerId), fact: null };
    const fact = existing.cancel();
    return fact ? { delivery: existing, fact } : null;
  }

  /** Calls off a delivery under way; anything else (already canceled, completed, voided) stays as it is. */
  cancel(): DeliveryFact | null {
    if (this.state.status !== 'STARTED') return null;
    this.state = { ...this.state, status: 'CANCELED' };
    return { type: 'DeliveryCanceled' };
  }

  /** Hands the order over; completing a completed delivery again changes nothing and announces nothing. */
  complete(): CompleteResult {
    if (this.state.status === 'COMPLETED') return { ok: true, fact: null };
    if (this.state.status !== 'STARTED') return { ok: false, status: this.state.status };
    this.state = { ...this.state, status: 'COMPLETED' };
    return { ok: true, fact: { type: 'DeliveryCompleted' } };
  }

  get snapshot(): Readonly<DeliveryState> {
    return this.state;
  }
}
