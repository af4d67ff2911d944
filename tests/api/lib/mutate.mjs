// Deterministic JSON mutations for robustness suites: a seeded PRNG and a mutator that deletes
// or replaces 1–3 random slots of a body with odd values.

// mulberry32: a failure reproduces from its seed.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ODD_VALUES = [null, true, false, 0, -1, 1.5, 1e300, 2 ** 31, -(2 ** 63), 9007199254740993, '',
  'x'.repeat(70000), '0-1', '2-1', 'hubspot', 'redirect_url', 'email', 'none', [], {}, [null], [{}], { type: 'none' },
  '\u0000', '💥', '{{ contact.firstname', '<script>', '2024-13-45T99:99:99Z'];

// Every [container, key] pair of a JSON value.
function slots(value, out = []) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => { out.push([value, i]); slots(v, out); });
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) { out.push([value, k]); slots(value[k], out); }
  }
  return out;
}

export function mutate(body, random) {
  const copy = structuredClone(body);
  const all = slots(copy);
  if (all.length === 0) return copy;
  const n = 1 + Math.floor(random() * 3);
  for (let i = 0; i < n; i++) {
    const [container, key] = all[Math.floor(random() * all.length)];
    if (random() < 0.3) {
      if (Array.isArray(container)) container.splice(key, 1); else delete container[key];
    } else {
      container[key] = structuredClone(ODD_VALUES[Math.floor(random() * ODD_VALUES.length)]);
    }
  }
  return copy;
}
