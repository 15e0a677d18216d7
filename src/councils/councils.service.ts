import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UsersService } from '../users/users.service';
import {
  CouncilEntity,
  MemberBodyEntity,
  MemberBodyKind,
  StaffEntity,
  StaffRole,
} from './council.entity';

export interface NewCouncil {
  name: string;
  municipalities: string[];
  establishedOn: string;
}

export interface NewMemberBody {
  name: string;
  kind: MemberBodyKind;
  joinedOn: string;
}

export interface NewStaff {
  email: string;
  displayName: string;
  memberBodyId: string;
  role: StaffRole;
  initialPassword: string;
}

/**
 * Council structure use cases. This is the minimal core the foundation needs (the demo seed
 * and /api/me); the council API itself builds on it.
 */
@Injectable()
export class CouncilsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  createCouncil(input: NewCouncil, em?: EntityManager): Promise<CouncilEntity> {
    const m = em ?? this.dataSource.manager;
    return m.save(CouncilEntity, m.create(CouncilEntity, input));
  }

  addMemberBody(
    councilId: string,
    input: NewMemberBody,
    em?: EntityManager,
  ): Promise<MemberBodyEntity> {
    const m = em ?? this.dataSource.manager;
    return m.save(
      MemberBodyEntity,
      m.create(MemberBodyEntity, { ...input, councilId, leftOn: null }),
    );
  }

  /** Adds staff to a member body; an existing user (same e-mail) is linked, not duplicated. */
  async addStaff(councilId: string, input: NewStaff, em?: EntityManager): Promise<StaffEntity> {
    const work = async (tx: EntityManager): Promise<StaffEntity> => {
      const { user } = await this.users.findOrCreate(
        { email: input.email, displayName: input.displayName, password: input.initialPassword },
        tx,
      );
      const rows = (await tx.query(
        `INSERT INTO staff (council_id, user_id, member_body_id, role) VALUES ($1, $2, $3, $4) RETURNING id`,
        [councilId, user.id, input.memberBodyId, input.role],
      )) as { id: string }[];
      return await tx.findOneOrFail(StaffEntity, { where: { councilId, id: rows[0].id } });
    };
    return em ? work(em) : this.dataSource.transaction(work);
  }
}
