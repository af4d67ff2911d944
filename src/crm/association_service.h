// Associations between CRM records (HubSpot's associations v4) and the account's association
// labels: the use cases behind /crm/v4/objects/…/associations and /crm/v4/associations/…, and
// what the object service needs (associations given when a record is created; a record's
// associations to one type).
//
// Rules (HubSpot's, and flowd's decisions where HubSpot is silent — docs/api-coverage.md):
//   * Every association carries its pair's default (unlabeled) type; writing a labelled type
//     adds the default too, and removing the default removes every type between the records.
//   * Both directions are stored: A→B with type t makes B→A visible with t's inverse.
//   * "Primary" types allow one record on one side (a contact has one primary company): writing
//     one moves it (AssociationTypeInfo::single).
//   * A pair's types: HubSpot's defined ones for standard pairs (crm/association_types.h); for a
//     pair involving a custom object, the association definitions of its schema (USER_DEFINED,
//     ids from the schema API; the lowest is the pair's default) — without one the pair cannot be
//     associated, as in HubSpot; plus the account's labels. Other categories
//     (INTEGRATOR_DEFINED, WORK) define no types in flowd.
//   * Records must be live records of the account (archived ones and other accounts' ids are
//     "not found"); a record cannot be associated with itself.
//
// Errors: kInvalidArgument (400) for unknown object types, pairs that cannot be associated,
// types not defined for the pair (every problem listed, with `in` paths), bad labels;
// kNotFound (404) for unknown records and labels; kConflict (409) for a taken label name.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crm/association_types.h"
#include "crm/object_types.h"
#include "store/store.h"

namespace flowd::crm {

// Limits (explicit; docs/api-coverage.md).
inline constexpr size_t kMaxAssociationPage = 500;          // GET …/associations/{toType}
inline constexpr size_t kMaxAssociationBatchInputs = 1000;  // every batch endpoint
inline constexpr size_t kMaxAssociationBatchPairs = 1000;   // batch/archive: from→to pairs
inline constexpr size_t kMaxTypesPerWrite = 50;             // types in one PUT / batch input
inline constexpr size_t kMaxLabelsPerPair = 50;             // label definitions per type pair
inline constexpr size_t kMaxLabelLength = 100;              // label, inverseLabel, name

// A type as a client names it (AssociationSpec).
struct AssociationTypeRef {
  std::string category;
  int64_t type_id = 0;
};

// The two object types of a request, resolved.
struct AssociationPair {
  ObjectTypeInfo from;
  ObjectTypeInfo to;
};

// An associated record as the API shows it: every type from the record to it, with labels.
struct AssociatedObject {
  int64_t to_id = 0;
  std::vector<AssociationTypeInfo> types;
};

struct AssociatedPage {
  std::vector<AssociatedObject> results;
  std::optional<int64_t> next_after;
};

// One from record of a batch read and its page (from_exists false: not a live record).
struct AssociatedBatchItem {
  int64_t from_id = 0;
  bool from_exists = false;
  AssociatedPage page;
};

// A labelled write between two records. `in` is the JSON path of its types array in the request
// ("inputs[3].types", or "" for a body that is the array itself); problems are reported under it.
struct LabelledWrite {
  int64_t from_id = 0;
  int64_t to_id = 0;
  std::vector<AssociationTypeRef> types;
  std::string in;
};

struct RecordPair {
  int64_t from_id = 0;
  int64_t to_id = 0;
};

// What a write did to one input: kDone, or why it changed nothing.
struct WriteResult {
  store::AssociateOutcome outcome = store::AssociateOutcome::kDone;
  int64_t from_id = 0;
  int64_t to_id = 0;
  // kDone: the types written (as requested, default types included), from→to.
  std::vector<AssociationTypeInfo> types;
};

// An association given when a record is created: the to type follows from the type id.
struct NewRecordAssociation {
  int64_t to_id = 0;
  std::vector<AssociationTypeRef> types;
};

class AssociationService {
 public:
  // Borrows all three; they must outlive the service. Uses the store's associations() and, for
  // custom objects' association definitions, properties().
  AssociationService(store::Store& store, ObjectTypeResolver& types, const Clock& clock);

  // The object types named in a path ("contacts", "contact", "0-1", custom names). 400 for
  // unknown types and for pairs whose records cannot be associated (tasks with notes, a custom
  // object and a type its schema has no association definition for).
  Result<AssociationPair> ResolvePair(int64_t account_id, std::string_view from_type,
                                      std::string_view to_type);

  // ---- reads

  // The records of pair.to associated with `from_id`, by id. 404 when from_id is not a record.
  Result<AssociatedPage> List(int64_t account_id, const AssociationPair& pair, int64_t from_id,
                              std::optional<int64_t> after, size_t limit);
  // One page per input, in order (unknown records: from_exists false).
  Result<std::vector<AssociatedBatchItem>> BatchRead(
      int64_t account_id, const AssociationPair& pair,
      const std::vector<store::AssociationPageRequest>& inputs, size_t limit);

  // ---- writes

  // Writes the types (and the pair's default) for each input. 400 listing every type problem
  // before anything is written; otherwise one WriteResult per input (missing records reported
  // there, not as errors).
  Result<std::vector<WriteResult>> CreateLabelled(int64_t account_id, const AssociationPair& pair,
                                                  const std::vector<LabelledWrite>& writes);
  // Writes the pair's default type for each input.
  Result<std::vector<WriteResult>> CreateDefault(int64_t account_id, const AssociationPair& pair,
                                                 const std::vector<RecordPair>& pairs);
  // Removes every association between each pair's records (missing ones are skipped).
  Status RemoveAll(int64_t account_id, const AssociationPair& pair,
                   const std::vector<RecordPair>& pairs);
  // Removes the given types (400 for types not defined for the pair); removing the default type
  // removes every type between the records.
  Status RemoveTypes(int64_t account_id, const AssociationPair& pair,
                     const std::vector<LabelledWrite>& removals);

  // The default type of the pair.
  Result<AssociationTypeInfo> DefaultType(int64_t account_id, const AssociationPair& pair);

  // ---- labels (the pair's types: HubSpot's, the custom-pair default, the account's labels)

  Result<std::vector<AssociationTypeInfo>> ListTypes(int64_t account_id,
                                                     const AssociationPair& pair);
  // Returns the new types, from→to first (two when the label has two directions).
  Result<std::vector<AssociationTypeInfo>> CreateLabel(int64_t account_id,
                                                       const AssociationPair& pair,
                                                       const std::string& name,
                                                       const std::string& label,
                                                       const std::optional<std::string>& inverse);
  Status UpdateLabel(int64_t account_id, const AssociationPair& pair, int64_t type_id,
                     const std::string& label, const std::optional<std::string>& inverse);
  Status DeleteLabel(int64_t account_id, const AssociationPair& pair, int64_t type_id);

  // ---- for the object service

  // Checks associations given for a record of `from_type` about to be created: 400 listing every
  // problem (`in`: "associations[i].to.id", "associations[i].types[j].associationTypeId"), unknown
  // or archived to records included, as HubSpot answers them on create.
  Status ValidateForNewRecord(int64_t account_id, const ObjectTypeInfo& from_type,
                              const std::vector<NewRecordAssociation>& inputs);
  // Writes them for the new record `from_id` (validate first; a to record archived meanwhile is
  // a 400 here).
  Status AssociateNewRecord(int64_t account_id, const ObjectTypeInfo& from_type, int64_t from_id,
                            const std::vector<NewRecordAssociation>& inputs);
  // A record's associations to one type (object type id), for GET …?associations=.
  Result<AssociatedPage> ListForRecord(int64_t account_id, const std::string& from_type_id,
                                       int64_t from_id, const std::string& to_type_id,
                                       std::optional<int64_t> after, size_t limit);

 private:
  // The types of one pair, looked up once per request: the default first (when it has one).
  struct PairTypes {
    std::vector<AssociationTypeInfo> all;
    const AssociationTypeInfo* Default() const {
      return !all.empty() && all.front().is_default ? &all.front() : nullptr;
    }
    const AssociationTypeInfo* Find(std::string_view category, int64_t type_id) const;
  };
  Result<PairTypes> LoadPairTypes(int64_t account_id, const AssociationPair& pair);
  // The schema association definitions between a custom type and another, as from→to types.
  Result<std::vector<AssociationTypeInfo>> SchemaTypes(int64_t account_id,
                                                       const AssociationPair& pair);
  Result<std::vector<AssociatedObject>> Views(int64_t account_id, const AssociationPair& pair,
                                              std::vector<store::AssociatedRecord> records);
  Result<std::vector<WriteResult>> Write(int64_t account_id,
                                         std::vector<store::AssociationWrite> writes,
                                         std::vector<std::vector<AssociationTypeInfo>> types);
  Result<std::vector<std::pair<AssociationPair, std::vector<AssociationTypeInfo>>>>
  ResolveNewRecordTypes(int64_t account_id, const ObjectTypeInfo& from_type,
                        const std::vector<NewRecordAssociation>& inputs,
                        std::vector<ErrorDetail>& problems);

  store::AssociationStore& store_;
  store::PropertyStore& schemas_;
  ObjectTypeResolver& types_;
  const Clock& clock_;
};

}  // namespace flowd::crm
