// Row type of the mail switchboard: instance-wide delivery state that must survive restarts, such as
// "digest delivery is paused, and why" after a run's failures passed the threshold.
export interface MailControlTable {
  key: string; // e.g. 'paused'
  value: string; // the reason, human readable
  updated_at: string;
}

export interface MailControlTables {
  mail_control: MailControlTable;
}
