// One screen of the application, mounted in the main area by the router.
export interface Page {
  element: HTMLElement;
  title: string;
  // A key pressed outside text fields; true when the page used it.
  onKey?: (e: KeyboardEvent) => boolean;
  destroy?: () => void;
}
