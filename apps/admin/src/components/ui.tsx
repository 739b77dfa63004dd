import { X } from 'lucide-react';
import type { ReactNode } from 'react';
import {
  Button as AriaButton,
  type ButtonProps as AriaButtonProps,
  Dialog as AriaDialog,
  Heading,
  Menu as AriaMenu,
  MenuItem as AriaMenuItem,
  type MenuItemProps,
  MenuTrigger,
  Modal,
  ModalOverlay,
  Popover,
  Tooltip as AriaTooltip,
  TooltipTrigger,
} from 'react-aria-components';

export type ButtonVariant = 'default' | 'primary' | 'danger' | 'ghost';

export interface ButtonProps extends AriaButtonProps {
  variant?: ButtonVariant;
  size?: 'md' | 'sm';
}

/** The one button: React Aria's (press events, keyboard, disabled handling) styled by the tokens. */
export function Button({ variant = 'default', size = 'md', className, ...props }: ButtonProps) {
  const classes = [
    'button',
    variant !== 'default' && `button--${variant}`,
    size === 'sm' && 'button--sm',
    typeof className === 'string' && className,
  ]
    .filter(Boolean)
    .join(' ');
  return <AriaButton {...props} className={classes} />;
}

/** An icon-only button with an accessible name and a tooltip. */
export function IconButton({
  label,
  children,
  ...props
}: Omit<ButtonProps, 'children' | 'aria-label'> & { label: string; children: ReactNode }) {
  return (
    <TooltipTrigger delay={400}>
      <Button variant="ghost" size="sm" aria-label={label} {...props}>
        {children}
      </Button>
      <AriaTooltip className="tooltip" offset={6}>
        {label}
      </AriaTooltip>
    </TooltipTrigger>
  );
}

export interface DialogProps {
  title: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  children: ReactNode;
  /** Buttons at the bottom. */
  footer?: ReactNode;
  size?: 'md' | 'lg' | 'xl';
  /** A drawer slides in from the right side instead of a centred dialog. */
  drawer?: boolean;
}

/** A modal dialog (or side drawer) with a title, a close button and an optional footer. */
export function Dialog({ title, isOpen, onOpenChange, children, footer, size = 'md', drawer = false }: DialogProps) {
  return (
    <ModalOverlay
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      isDismissable
      className={drawer ? 'modal-overlay modal-overlay--drawer' : 'modal-overlay'}
    >
      <Modal className={drawer ? 'drawer' : `modal modal--${size}`}>
        <AriaDialog className="dialog">
          {({ close }) => (
            <>
              <header className="dialog__header">
                <Heading slot="title" className="dialog__title">
                  {title}
                </Heading>
                <IconButton label="Close" onPress={close}>
                  <X size={16} aria-hidden />
                </IconButton>
              </header>
              <div className="dialog__body">{children}</div>
              {footer && <footer className="dialog__footer">{footer}</footer>}
            </>
          )}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}

export interface MenuAction {
  id: string;
  label: string;
  icon?: ReactNode;
  danger?: boolean;
  disabled?: boolean;
}

/** A button that opens a menu of actions. */
export function ActionMenu({
  label,
  trigger,
  actions,
  onAction,
}: {
  label: string;
  trigger: ReactNode;
  actions: MenuAction[];
  onAction: (id: string) => void;
}) {
  return (
    <MenuTrigger>
      <Button variant="ghost" size="sm" aria-label={label}>
        {trigger}
      </Button>
      <Popover className="popover" placement="bottom end">
        <AriaMenu
          className="menu"
          onAction={(key) => onAction(String(key))}
          disabledKeys={actions.filter((a) => a.disabled).map((a) => a.id)}
        >
          {actions.map((action) => (
            <MenuRow
              key={action.id}
              id={action.id}
              textValue={action.label}
              className={action.danger ? 'menu__item menu__item--danger' : 'menu__item'}
            >
              {action.icon}
              {action.label}
            </MenuRow>
          ))}
        </AriaMenu>
      </Popover>
    </MenuTrigger>
  );
}

function MenuRow(props: MenuItemProps) {
  return <AriaMenuItem {...props} />;
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'success' | 'warning' | 'danger' | 'info';
  children: ReactNode;
}) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden />
      {label}
    </div>
  );
}

export function ErrorNotice({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  return (
    <div className="notice notice--danger" role="alert">
      <strong>{title}</strong>
      <span>{error instanceof Error ? error.message : String(error)}</span>
      {onRetry && (
        <Button size="sm" onPress={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
