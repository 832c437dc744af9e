import { graphqlEnum } from '../graphql/enum';

export const VISIBILITIES = ['PUBLIC', 'ORGANISATION', 'CHAPTER'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const VisibilityEnum = graphqlEnum('Visibility', VISIBILITIES, {
  PUBLIC: { description: 'Anyone, signed in or not.' },
  ORGANISATION: { description: 'Active members of any chapter of the owning organisation.' },
  CHAPTER: { description: 'Active members of the owning chapter (for reading lists also of chapters it is shared with).' },
});
