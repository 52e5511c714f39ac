import { z } from 'zod';

/**
 * Plain-words validation messages for the cases zod words technically ("expected string, received undefined").
 * Schemas' own messages (min length, format) are kept as written.
 */
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'This field is required';
    if (issue.code === 'unrecognized_keys') return `Unexpected field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    return undefined;
  },
});
