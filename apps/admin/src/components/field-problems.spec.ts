import { ApiError } from '@itinera/sdk';
import { fieldProblems } from './field-problems';

describe('the field problems of a refused request', () => {
  it('lists each field with its messages, without the node: prefix', () => {
    const error = new ApiError(422, 'The draft has 2 problems', {
      errors: [
        { field: 'node:route', messages: ['invalid_config: must have branches', 'unreachable'] },
        { field: 'name', messages: ['must not be empty'] },
      ],
    });
    expect(fieldProblems(error)).toEqual(['route: invalid_config: must have branches, unreachable', 'name: must not be empty']);
  });

  it('is undefined when the answer listed none, or for another error', () => {
    expect(fieldProblems(new ApiError(403, 'This needs the editor role', { message: 'x' }))).toBeUndefined();
    expect(fieldProblems(new TypeError('fetch failed'))).toBeUndefined();
  });
});
