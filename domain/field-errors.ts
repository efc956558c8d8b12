// A problem with one field of a form or request body: signup pages, API validation errors and
// workflow update refusals all speak in these.
export interface FieldError {
  field: string;
  message: string;
}
