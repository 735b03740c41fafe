import { describe, expect, it } from 'vitest';
import { mallocAdvice } from './malloc-env.js';

describe('malloc advice', () => {
  it('asks for the mmap threshold on Linux when it is missing, and only then', () => {
    expect(mallocAdvice({}, 'linux')).toMatch(/MALLOC_MMAP_THRESHOLD_=131072/);
    expect(mallocAdvice({ MALLOC_MMAP_THRESHOLD_: '131072' }, 'linux')).toBeNull();
    // Another value is the operator's choice.
    expect(mallocAdvice({ MALLOC_MMAP_THRESHOLD_: '65536' }, 'linux')).toBeNull();
    expect(mallocAdvice({}, 'darwin')).toBeNull();
  });
});
