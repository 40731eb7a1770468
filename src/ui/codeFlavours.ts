/** The languages "Copy as …" writes a request in, and their names (apart from the generator, which loads when first used). */
export type CodeFlavour = 'cli' | 'boto3' | 'js';

export const FLAVOUR_LABELS: Record<CodeFlavour, string> = {
  cli: 'AWS CLI',
  boto3: 'boto3',
  js: 'SDK for JavaScript v3',
};
