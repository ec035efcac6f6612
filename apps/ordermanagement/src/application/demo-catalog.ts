import type { ProductDetails } from '../domain/product';

/** Home appliances on the shelf at first start (prices in won). Fixed ids make seeding idempotent. */
export const DEMO_CATALOG: (ProductDetails & { id: string })[] = [
  { id: '7d2f1e3c-4b5a-4c6d-8e9f-0a1b2c3d4e5f', name: 'LG WashTower 25kg', category: 'laundry', price: 3290000, salePrice: 2990000, stock: 12 },
  { id: 'd3a1c0de-0001-4000-8000-000000000002', name: 'Samsung Bespoke AI Dryer 20kg', category: 'laundry', price: 1890000, salePrice: null, stock: 15 },
  { id: '8e3a2f4d-5c6b-4d7e-9fa0-1b2c3d4e5f60', name: 'Samsung Bespoke Fridge', category: 'refrigerator', price: 1850000, salePrice: null, stock: 20 },
  { id: 'd3a1c0de-0001-4000-8000-000000000004', name: 'LG DIOS Kimchi Refrigerator 500L', category: 'refrigerator', price: 2450000, salePrice: 2190000, stock: 8 },
  { id: 'd3a1c0de-0001-4000-8000-000000000005', name: 'Cuckoo IH Pressure Rice Cooker 10-cup', category: 'kitchen', price: 459000, salePrice: null, stock: 40 },
  { id: 'd3a1c0de-0001-4000-8000-000000000006', name: 'Samsung Bespoke Microwave 23L', category: 'kitchen', price: 329000, salePrice: 279000, stock: 30 },
  { id: 'd3a1c0de-0001-4000-8000-000000000007', name: 'LG DIOS Dishwasher 14 place', category: 'kitchen', price: 1390000, salePrice: null, stock: 10 },
  { id: 'd3a1c0de-0001-4000-8000-000000000008', name: 'Coway Airmega Air Purifier', category: 'air', price: 899000, salePrice: null, stock: 25 },
  { id: 'd3a1c0de-0001-4000-8000-000000000009', name: 'LG Whisen Air Conditioner 2-in-1', category: 'air', price: 2990000, salePrice: 2690000, stock: 6 },
  { id: 'd3a1c0de-0001-4000-8000-000000000010', name: 'LG OLED evo 65"', category: 'tv', price: 3590000, salePrice: null, stock: 9 },
  { id: 'd3a1c0de-0001-4000-8000-000000000011', name: 'Samsung Neo QLED 75"', category: 'tv', price: 4290000, salePrice: null, stock: 7 },
  { id: 'd3a1c0de-0001-4000-8000-000000000012', name: 'Dyson V15 Detect Vacuum', category: 'vacuum', price: 1190000, salePrice: 990000, stock: 18 },
];
