/** A notification of an escalation to one recipient (in-app list, webhook body). */
export interface NotificationView {
  id: string;
  occurrenceId: string;
  level: string;
  recipientKind: string;
  recipientDepartment: string | null;
  message: string;
  createdAt: string;
}
