export const VISIBILITIES = ['PUBLIC', 'ORGANISATION', 'CHAPTER'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
