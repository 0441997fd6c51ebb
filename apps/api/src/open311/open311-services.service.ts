import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { serviceAttributes } from '@cgi/domain';
import type { CategoryRule, Department } from '@cgi/shared';
import { RuleSetService } from '../rules/rule-set.service';
import type { XmlNode } from './open311-format';
import { Open311Exception } from './open311.exception';

/** GeoReport v2 "group" of a service: the lead department's field, in Portuguese. */
const GROUPS: Record<Department, string> = {
  POLICE: 'ordem pública',
  FIRE: 'emergência',
  CIVIL_PROTECTION: 'proteção civil',
  MOBILITY: 'mobilidade e via pública',
  ENVIRONMENT: 'ambiente e limpeza',
  CGI: 'outros',
};

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

/** The citizen-facing part of the rule set in force, as Open311 services. */
@Injectable()
export class Open311ServicesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly rules: RuleSetService,
  ) {}

  async citizenCategories(): Promise<CategoryRule[]> {
    const { document } = await this.rules.active();
    return document.categories.filter((c) => c.citizenFacing);
  }

  /** The citizen-facing category of a service code, or 404 naming it. */
  async category(code: string): Promise<CategoryRule> {
    const found = (await this.citizenCategories()).find((c) => c.code === code);
    if (!found) throw Open311Exception.notFound(`service_code: ${code} not found`);
    return found;
  }

  async list(): Promise<Open311Service[]> {
    return (await this.citizenCategories()).map((c) => ({
      service_code: c.code,
      service_name: c.name,
      description: c.name,
      metadata: serviceAttributes(c).length > 0,
      type: 'realtime',
      keywords: c.name.toLowerCase(),
      group: GROUPS[c.lead],
    }));
  }

  /**
   * The definition of every code GET requests can show: a citizen-facing service (with its
   * attributes), and also a code only the CGI's triage gives or a rule set no longer has (a
   * reclassified report, "FIRE_VEGETATION"): defined without attributes, as POST does not take it.
   */
  async definition(code: string): Promise<{ json: unknown; xml: XmlNode }> {
    const citizen = (await this.citizenCategories()).find((c) => c.code === code);
    if (!citizen) {
      const shown: unknown[] = /^[A-Z][A-Z0-9_]{1,39}$/.test(code)
        ? await this.ds.query(`SELECT 1 FROM occurrences WHERE category = $1 AND source = 'CITIZEN' LIMIT 1`, [code])
        : [];
      if (shown.length === 0) throw Open311Exception.notFound(`service_code: ${code} not found`);
    }
    const attributes = (citizen ? serviceAttributes(citizen) : []).map(({ flag: _flag, ...a }) => a);
    const json = { service_code: code, attributes };
    const xml: XmlNode = {
      service_definition: {
        service_code: code,
        attributes: {
          attribute: attributes.map((a) => ({
            variable: a.variable, code: a.code, datatype: a.datatype, required: a.required,
            datatype_description: a.datatype_description, order: a.order, description: a.description,
            ...(a.values ? { values: { value: a.values.map((v) => ({ key: v.key, name: v.name })) } } : {}),
          })),
        },
      },
    };
    return { json, xml };
  }
}
