// What every page is given, and what a page is.
export {};
