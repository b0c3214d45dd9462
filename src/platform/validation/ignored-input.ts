import { ApiHideProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Allow } from 'class-validator';

/**
 * A read-only property (the id, a timestamp) that a request body may carry and that is left out of
 * the write: clients of an APSO CLI backend send back the row they read, which that backend accepted.
 */
export function IgnoredInput(): PropertyDecorator {
  const allow = Allow();
  const drop = Transform(() => undefined);
  const hide = ApiHideProperty();
  return (target, property) => {
    allow(target, property);
    drop(target, property);
    hide(target, property);
  };
}
