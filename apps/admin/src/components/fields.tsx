import { Check, ChevronDown } from 'lucide-react';
import type { ReactNode } from 'react';
import {
  Button as AriaButton,
  Checkbox as AriaCheckbox,
  ComboBox as AriaComboBox,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select as AriaSelect,
  SelectValue,
  Text,
  TextArea,
  TextField as AriaTextField,
} from 'react-aria-components';

interface FieldBase {
  label: string;
  description?: ReactNode;
  error?: string | null;
  isDisabled?: boolean;
  isReadOnly?: boolean;
  className?: string;
}

function FieldHelp({ description, error }: { description?: ReactNode; error?: string | null }) {
  return (
    <>
      {description && (
        <Text slot="description" className="field__description">
          {description}
        </Text>
      )}
      {error && (
        <Text slot="errorMessage" className="field__error" role="alert">
          {error}
        </Text>
      )}
    </>
  );
}

export interface TextFieldProps extends FieldBase {
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  placeholder?: string;
  multiline?: boolean;
  rows?: number;
  type?: 'text' | 'email' | 'password' | 'search' | 'url';
  monospace?: boolean;
  autoFocus?: boolean;
  inputRef?: React.Ref<HTMLInputElement & HTMLTextAreaElement>;
  onSelectionChange?: (position: number) => void;
}

export function TextField({
  label,
  description,
  error,
  value,
  onChange,
  onBlur,
  placeholder,
  multiline,
  rows = 3,
  type = 'text',
  monospace,
  className,
  inputRef,
  onSelectionChange,
  ...rest
}: TextFieldProps) {
  const inputClass = monospace ? 'input input--mono' : 'input';
  const track = onSelectionChange
    ? (event: React.SyntheticEvent<HTMLInputElement | HTMLTextAreaElement>) =>
        onSelectionChange(event.currentTarget.selectionStart ?? event.currentTarget.value.length)
    : undefined;
  return (
    <AriaTextField
      value={value}
      onChange={onChange}
      onBlur={onBlur}
      isInvalid={Boolean(error)}
      type={type}
      className={`field ${className ?? ''}`}
      {...rest}
    >
      <Label className="field__label">{label}</Label>
      {multiline ? (
        <TextArea
          ref={inputRef}
          className={inputClass}
          rows={rows}
          placeholder={placeholder}
          onSelect={track}
          onKeyUp={track}
          onClick={track}
        />
      ) : (
        <Input ref={inputRef} className={inputClass} placeholder={placeholder} onSelect={track} onKeyUp={track} onClick={track} />
      )}
      <FieldHelp description={description} error={error} />
    </AriaTextField>
  );
}

export interface Option {
  id: string;
  label: string;
  description?: string;
}

export interface SelectFieldProps extends FieldBase {
  value: string | null;
  onChange: (value: string) => void;
  options: Option[];
  placeholder?: string;
}

export function SelectField({
  label,
  description,
  error,
  value,
  onChange,
  options,
  placeholder = 'Choose…',
  className,
  isDisabled,
}: SelectFieldProps) {
  return (
    <AriaSelect
      selectedKey={value}
      onSelectionChange={(key) => key !== null && onChange(String(key))}
      isInvalid={Boolean(error)}
      isDisabled={isDisabled}
      placeholder={placeholder}
      className={`field ${className ?? ''}`}
    >
      <Label className="field__label">{label}</Label>
      <AriaButton className="input select__button">
        <SelectValue className="select__value" />
        <ChevronDown size={14} aria-hidden />
      </AriaButton>
      <FieldHelp description={description} error={error} />
      <Popover className="popover popover--list">
        <ListBox className="listbox" items={options}>
          {(option) => (
            <ListBoxItem id={option.id} textValue={option.label} className="listbox__item">
              <span>{option.label}</span>
              {option.description && <span className="listbox__hint">{option.description}</span>}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </AriaSelect>
  );
}

export interface ComboFieldProps extends FieldBase {
  value: string;
  onChange: (value: string) => void;
  options: Option[];
  placeholder?: string;
  /** Whether a value that is not one of the options is allowed (an event name never seen yet). */
  allowsCustomValue?: boolean;
}

/** A text input with suggestions: React Aria's ComboBox; typing filters, Enter or a click picks. */
export function ComboField({
  label,
  description,
  error,
  value,
  onChange,
  options,
  placeholder,
  allowsCustomValue = true,
  className,
  isDisabled,
}: ComboFieldProps) {
  return (
    <AriaComboBox
      inputValue={value}
      onInputChange={onChange}
      onSelectionChange={(key) => key !== null && onChange(String(key))}
      allowsCustomValue={allowsCustomValue}
      menuTrigger="focus"
      isInvalid={Boolean(error)}
      isDisabled={isDisabled}
      className={`field ${className ?? ''}`}
      defaultItems={options}
    >
      <Label className="field__label">{label}</Label>
      <div className="combo">
        <Input className="input" placeholder={placeholder} />
        <AriaButton className="combo__button" aria-label={`Show ${label.toLowerCase()} options`}>
          <ChevronDown size={14} aria-hidden />
        </AriaButton>
      </div>
      <FieldHelp description={description} error={error} />
      <Popover className="popover popover--list">
        <ListBox className="listbox" renderEmptyState={() => <div className="listbox__empty">No suggestions</div>}>
          {(option: Option) => (
            <ListBoxItem id={option.id} textValue={option.label} className="listbox__item">
              <span>{option.label}</span>
              {option.description && <span className="listbox__hint">{option.description}</span>}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </AriaComboBox>
  );
}

export function CheckboxField({
  label,
  value,
  onChange,
  isDisabled,
}: {
  label: string;
  value: boolean;
  onChange: (value: boolean) => void;
  isDisabled?: boolean;
}) {
  return (
    <AriaCheckbox isSelected={value} onChange={onChange} isDisabled={isDisabled} className="checkbox">
      <span className="checkbox__box" aria-hidden>
        <Check size={12} />
      </span>
      {label}
    </AriaCheckbox>
  );
}
