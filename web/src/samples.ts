// The built-in sample datasets shipped in web/public/samples (provenance in samples/README.md).

export interface Sample {
  id: string;
  file: string; // relative to the page, so the site works under any sub-path
  label: string;
}

export const SAMPLES: Sample[] = [
  { id: 'iris', file: './samples/iris.csv', label: 'Iris flowers: 150 rows, 3 species (classification)' },
  { id: 'penguins', file: './samples/penguins.csv', label: 'Palmer penguins: 344 rows, strings and missing values (classification)' },
  { id: 'cars-mpg', file: './samples/cars-mpg.csv', label: 'Cars: fuel economy in mpg, 398 rows (regression)' },
];

export const DEFAULT_SAMPLE = 'iris';
