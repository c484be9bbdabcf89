// The shape a translation must have: every key of the English area. Plural forms follow the language's own
// rules (Intl.PluralRules): Chinese has only `_other`, so an English `_one` key is optional there.
export type Mirror<English> = {
  [K in keyof English as K extends `${string}_one` ? never : K]: string;
} & {
  [K in keyof English as K extends `${string}_one` ? K : never]?: string;
};
