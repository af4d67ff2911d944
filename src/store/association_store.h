// Associations between CRM records, and the account's association labels. Thread safety and
// errors as in store.h.
//
// Table `crm_associations` (created with the object tables, migration 2, because archiving a
// record deletes its associations in the same transaction — ObjectStore::ArchiveObjects):
//   account_id, from_type, from_id, to_type, to_id, category, type_id, created_at_ms
//   PRIMARY KEY (account_id, from_type, from_id, to_type, to_id, category, type_id)
// Every association is stored in both directions: A→B with type t and B→A with t's inverse. The
// store does not know HubSpot's type catalog (crm/association_types.h): callers pass each type
// with its inverse.
//
// USER_DEFINED types come from two tables: `crm_association_labels` (migration 4, this store: the
// account's labels, one row per direction, ids allocated per account from kFirstUserTypeId to
// kLastUserTypeId) and `crm_schema_associations` (migration 3, PropertyStore: the association
// definitions of custom object schemas, ids from kFirstSchemaAssociationId up). The ranges keep
// both clear of HubSpot's defined ids and of each other, because the label endpoints name a type
// id without a category.
//
// Record existence is checked inside the write transaction against crm_objects: a live record
// has archived_at_ms IS NULL and belongs to the account and the object type.
//
// Each row written or removed by Associate, Dissociate and DeleteLabel appends a
// kEventAssociationChanged event to the CRM event log (object_store.h) in the same transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/property_store.h"

namespace flowd::store {

// The label type ids of every account.
inline constexpr int64_t kFirstUserTypeId = 10001;
inline constexpr int64_t kLastUserTypeId = kFirstSchemaAssociationId - 1;
// Association type ids are int32 in HubSpot's API.
inline constexpr int64_t kMaxAssociationTypeId = 2'147'483'647;

// One association type as stored on an association row.
struct AssociationTypeKey {
  std::string category;  // HUBSPOT_DEFINED | USER_DEFINED | INTEGRATOR_DEFINED
  int64_t type_id = 0;
  friend bool operator==(const AssociationTypeKey&, const AssociationTypeKey&) = default;
};

// A type to write between two records, with what the reverse row carries.
struct AssociationTypeWrite {
  std::string category;
  int64_t type_id = 0;
  int64_t inverse_type_id = 0;  // same category
  // HubSpot's "primary" types allow one record on one side: with kFrom the from record keeps
  // this type to at most one record of to_type (writing it to another one moves it there); with
  // kTo the to record keeps it from at most one record of from_type.
  enum class Single { kNone, kFrom, kTo };
  Single single = Single::kNone;
};

struct AssociationWrite {
  std::string from_type;  // object type ids ("0-1", "2-123")
  int64_t from_id = 0;
  std::string to_type;
  int64_t to_id = 0;
  std::vector<AssociationTypeWrite> types;  // each written with its inverse; existing ones kept
};

enum class AssociateOutcome {
  kDone,
  kFromMissing,  // the from record is not a live record of from_type in the account
  kToMissing,    // the to record is not
  kTypeMissing,  // a USER_DEFINED type with this inverse is not defined for the pair (neither a
                 // label nor a schema association definition)
};

struct AssociationRemoval {
  std::string from_type;
  int64_t from_id = 0;
  std::string to_type;
  int64_t to_id = 0;
  // Types to remove together with their inverses; empty removes every association between the
  // two records, both directions.
  std::vector<AssociationTypeWrite> types;
};

// The records of one type associated with one record, each with every type between them.
struct AssociatedRecord {
  int64_t to_id = 0;
  std::vector<AssociationTypeKey> types;  // ordered by (category, type_id)
};

struct AssociationPageRequest {
  int64_t from_id = 0;
  std::optional<int64_t> after;  // to_id cursor: records with to_id > after
};

struct AssociationPage {
  bool from_exists = false;  // the from record is a live record of the type in the account
  std::vector<AssociatedRecord> records;  // ordered by to_id; at most `limit`
  std::optional<int64_t> next_after;      // set when more records follow
};

// One direction of an association label (a USER_DEFINED type).
struct AssociationLabel {
  int64_t type_id = 0;
  std::string from_type;
  std::string to_type;
  int64_t inverse_type_id = 0;  // == type_id for a symmetric type (same object type, one label)
  std::string name;             // internal name, shared by both directions
  std::string label;
  int64_t created_at_ms = 0;
};

// A label to define between two object types. Two rows are created (one per direction) unless
// from_type == to_type and no inverse label is given: then one symmetric row.
struct AssociationLabelDefinition {
  std::string from_type;
  std::string to_type;
  std::string name;
  std::string label;
  std::optional<std::string> inverse_label;
};

class AssociationStore {
 public:
  virtual ~AssociationStore() = default;

  // ---- associations

  // Writes every association whose two ends are live records (and whose USER_DEFINED types are
  // defined for the pair), with its inverse; writing an existing one changes nothing. One
  // transaction; returns one outcome per write, in order (writes not kDone changed nothing).
  virtual Result<std::vector<AssociateOutcome>> Associate(
      int64_t account_id, const std::vector<AssociationWrite>& writes, int64_t now_ms) = 0;

  // Removes the given associations and their inverses (missing ones are skipped). One
  // transaction.
  virtual Status Dissociate(int64_t account_id, const std::vector<AssociationRemoval>& removals,
                            int64_t now_ms) = 0;

  // For each request (in order): the records of `to_type` associated with `from_id` (a record of
  // `from_type`), at most `limit` records per page. Reads one consistent snapshot. With limit 0
  // it only tells which from records exist.
  virtual Result<std::vector<AssociationPage>> ListAssociations(
      int64_t account_id, const std::string& from_type,
      const std::vector<AssociationPageRequest>& requests, const std::string& to_type,
      size_t limit) = 0;

  // Every type between two records, from→to (empty when they are not associated).
  virtual Result<std::vector<AssociationTypeKey>> TypesBetween(int64_t account_id,
                                                               const std::string& from_type,
                                                               int64_t from_id,
                                                               const std::string& to_type,
                                                               int64_t to_id) = 0;

  // ---- labels

  // The account's labels from `from_type` to `to_type`, by type id.
  virtual Result<std::vector<AssociationLabel>> ListLabels(int64_t account_id,
                                                           const std::string& from_type,
                                                           const std::string& to_type) = 0;

  // One label direction of the account by type id, or nullopt.
  virtual Result<std::optional<AssociationLabel>> GetLabel(int64_t account_id, int64_t type_id) = 0;

  // Defines a label; returns its rows, from→to first. kConflict when the pair (either direction)
  // already has a label with this name; kInvalidArgument when the pair already has
  // `max_labels` labels (counted as definitions, not rows).
  virtual Result<std::vector<AssociationLabel>> CreateLabel(int64_t account_id,
                                                            const AssociationLabelDefinition& def,
                                                            size_t max_labels, int64_t now_ms) = 0;

  // Renames the label with type `type_id` (a label of the pair from_type→to_type); the inverse
  // row gets `inverse_label` when given (a symmetric type ignores it); an unpaired label (same
  // text both ways) is renamed both ways when no inverse label is given. kNotFound when the pair
  // has no such label.
  virtual Status UpdateLabel(int64_t account_id, const std::string& from_type,
                             const std::string& to_type, int64_t type_id, const std::string& label,
                             const std::optional<std::string>& inverse_label) = 0;

  // Deletes the label (both directions) and removes it from every association that carries it
  // (the associations themselves stay, with their other types), logging a removal event
  // (kEventAssociationChanged, as Dissociate does) per association row removed, in the same
  // transaction. kNotFound as for UpdateLabel. Holds the rows removed in memory and the write
  // lock (PostgreSQL: the event log's lock) until it commits: a label on very many associations
  // delays other CRM writes for that long.
  virtual Status DeleteLabel(int64_t account_id, const std::string& from_type,
                             const std::string& to_type, int64_t type_id, int64_t now_ms) = 0;
};

}  // namespace flowd::store
