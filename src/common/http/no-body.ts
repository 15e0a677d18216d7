import { Body, PipeTransform } from '@nestjs/common';
import { validationFailed } from '../errors/domain-error';

/** Accepts no body or `{}`; anything else is a 400 (an unknown field is refused, as everywhere). */
class EmptyBodyPipe implements PipeTransform {
  transform(value: unknown): undefined {
    const empty =
      value === undefined ||
      (typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 0);
    if (!empty)
      throw validationFailed('This request takes no body', [
        { field: '(body)', messages: ['must be empty'] },
      ]);
    return undefined;
  }
}

/** For routes whose body carries nothing: a stray field is refused rather than ignored. */
export const NoBody = (): ParameterDecorator => Body(new EmptyBodyPipe());
