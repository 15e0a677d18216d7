import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { TestApp } from './app';

export interface Route {
  path: string;
  method: string;
  handler: object;
  controller: object;
}

/** Every route the application serves, read from the controllers' metadata. */
export function listRoutes(t: TestApp): Route[] {
  const out: Route[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown> } | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        out.push({
          path: `/${base}/${path}`.replace(/\/+/g, '/').replace(/\/$/, ''),
          method,
          handler,
          controller,
        });
      }
    }
  }
  return out;
}
