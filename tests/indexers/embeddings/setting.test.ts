// Whether a run has vectors: the option wins, then KG_VECTORS, then the agent daemon's WORKRAIL_VECTOR_SEARCH, then
// what the graph remembers; only a run that turns them on (or --no-vectors off) changes what is remembered.

import { describe, expect, it } from 'vitest';
import { vectorSetting } from '../../../indexers/embeddings/setting.js';

describe('vectorSetting', () => {
  it('is off by default and remembers nothing', () => {
    expect(vectorSetting(undefined, null, {})).toEqual({ on: false, remember: null, source: 'default' });
  });

  it('turns on, remembered, with --vectors, KG_VECTORS=1 or WORKRAIL_VECTOR_SEARCH=1', () => {
    expect(vectorSetting(true, null, {})).toEqual({ on: true, remember: 'on', source: 'option' });
    expect(vectorSetting(undefined, null, { KG_VECTORS: '1' })).toEqual({ on: true, remember: 'on', source: 'KG_VECTORS' });
    expect(vectorSetting(undefined, null, { KG_VECTORS: 'true' }).on).toBe(true);
    expect(vectorSetting(undefined, null, { WORKRAIL_VECTOR_SEARCH: '1' })).toEqual({ on: true, remember: 'on', source: 'WORKRAIL_VECTOR_SEARCH' });
  });

  it('stays on once remembered, until --no-vectors, which is remembered as off', () => {
    expect(vectorSetting(undefined, 'on', {})).toEqual({ on: true, remember: null, source: 'remembered' });
    expect(vectorSetting(false, 'on', { WORKRAIL_VECTOR_SEARCH: '1' })).toEqual({ on: false, remember: 'off', source: 'option' });
    expect(vectorSetting(undefined, 'off', {}).on).toBe(false);
  });

  it('KG_VECTORS=0 leaves them off for one run without forgetting them; other values of the daemon variable do nothing', () => {
    expect(vectorSetting(undefined, 'on', { KG_VECTORS: '0' })).toEqual({ on: false, remember: null, source: 'KG_VECTORS' });
    expect(vectorSetting(undefined, null, { WORKRAIL_VECTOR_SEARCH: '0' }).on).toBe(false);
    expect(vectorSetting(undefined, null, { KG_VECTORS: 'maybe' }).on).toBe(false);
  });
});
